//! [`Password`]: the one type that holds a secret.
//!
//! It is zeroized on drop, has no `Debug`, `Display` or `Clone` (so it cannot
//! reach a log or an error message by accident), and compares in constant time.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A password as raw bytes (Apache treats passwords as opaque byte strings).
pub struct Password(Zeroizing<Vec<u8>>);

impl Password {
    /// Takes ownership of `bytes`; they are zeroized when the password drops.
    pub fn new(bytes: Vec<u8>) -> Password {
        Password(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Constant-time equality, for comparing the two entries of a prompt.
    pub fn ct_eq(&self, other: &Password) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Password {
        Password::new(text.as_bytes().to_vec())
    }
}

impl From<&[u8]> for Password {
    fn from(bytes: &[u8]) -> Password {
        Password::new(bytes.to_vec())
    }
}

/// Constant-time comparison of two byte strings (hash outputs, stored hashes).
pub fn ct_bytes_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_passwords_compare_equal() {
        assert!(Password::from("abc").ct_eq(&Password::from("abc")));
        assert!(!Password::from("abc").ct_eq(&Password::from("abd")));
        assert!(!Password::from("abc").ct_eq(&Password::from("abcd")));
    }

    #[test]
    fn bytes_are_kept_exactly() {
        let password = Password::from(&b"a\0b\xff"[..]);
        assert_eq!(password.as_bytes(), b"a\0b\xff");
        assert_eq!(password.len(), 4);
    }
}
