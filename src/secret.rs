//! [`Password`]: the one type that holds a secret.
//!
//! It is zeroized on drop, has no `Debug`, `Display` or `Clone` (so it cannot
//! reach a log or an error message by accident), and compares in constant time.

use std::io::{self, BufRead, Read};

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

/// A buffered reader whose buffer is wiped when dropped, for input that
/// holds passwords (`add --batch`). std's `BufReader` frees its buffer
/// unwiped.
///
/// Its buffer is larger than std's own stdin buffer (8 KiB), so reading
/// `io::stdin()` through it bypasses that one too: std reads straight into
/// a caller's buffer at least as large as its own when it holds nothing.
pub struct WipingReader<R> {
    inner: R,
    buffer: Zeroizing<Vec<u8>>,
    start: usize,
    end: usize,
}

impl<R: Read> WipingReader<R> {
    /// The buffer's size: above std's 8 KiB stdin buffer.
    pub const CAPACITY: usize = 64 * 1024;

    pub fn new(inner: R) -> WipingReader<R> {
        WipingReader {
            inner,
            buffer: Zeroizing::new(vec![0; Self::CAPACITY]),
            start: 0,
            end: 0,
        }
    }
}

impl<R: Read> Read for WipingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: Read> BufRead for WipingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start == self.end {
            self.start = 0;
            self.end = self.inner.read(&mut self.buffer)?;
        }
        Ok(&self.buffer[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.end);
    }
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
    fn the_wiping_reader_reads_everything_line_by_line() {
        let input: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("user{i}:pw{i}\n").into_bytes())
            .collect();
        let mut reader = WipingReader::new(&input[..]);
        let mut lines = 0;
        let mut line = Vec::new();
        let mut all = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap() > 0 {
            lines += 1;
            all.extend_from_slice(&line);
            line.clear();
        }
        assert_eq!(lines, 200_000);
        assert_eq!(all, input);
    }

    #[test]
    fn bytes_are_kept_exactly() {
        let password = Password::from(&b"a\0b\xff"[..]);
        assert_eq!(password.as_bytes(), b"a\0b\xff");
        assert_eq!(password.len(), 4);
    }
}
