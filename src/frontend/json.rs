//! JSON output for tools: one object per record, written by hand (no serde
//! derive) into a caller's buffer so a generated password never lands in a
//! buffer we cannot zeroize.
//!
//! JSON strings are Unicode but user names, hashes and lines are bytes. The
//! rule, the same for every field: a field holds the exact text when the
//! bytes are valid UTF-8. When they are not, it holds a lossy text (invalid
//! bytes become U+FFFD) and a second field, the key with `_base64` appended,
//! holds the exact bytes in standard base64. So `user` is always a string,
//! and nothing is lost.

use base64::Engine as _;

/// Writes one JSON object into `out`, field by field.
pub struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens the object (`{`).
    pub fn begin(out: &'a mut Vec<u8>) -> Object<'a> {
        out.push(b'{');
        Object { out, empty: true }
    }

    /// A text field from bytes, with `KEY_base64` when they are not UTF-8.
    pub fn bytes(&mut self, key: &str, value: &[u8]) -> &mut Self {
        match std::str::from_utf8(value) {
            Ok(text) => self.text(key, text),
            Err(_) => {
                let lossy = String::from_utf8_lossy(value);
                self.text(key, &lossy);
                let exact = base64::engine::general_purpose::STANDARD.encode(value);
                self.text(&format!("{key}_base64"), &exact)
            }
        }
    }

    /// An array of text from bytes, and, when any item is not UTF-8,
    /// `KEY_base64`: an array of every item's exact bytes, in the same order.
    pub fn bytes_array<V: AsRef<[u8]>>(&mut self, key: &str, values: &[V]) -> &mut Self {
        self.key(key);
        self.out.push(b'[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            push_string(self.out, &String::from_utf8_lossy(value.as_ref()));
        }
        self.out.push(b']');
        if values
            .iter()
            .any(|value| std::str::from_utf8(value.as_ref()).is_err())
        {
            self.key(&format!("{key}_base64"));
            self.out.push(b'[');
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    self.out.push(b',');
                }
                let exact = base64::engine::general_purpose::STANDARD.encode(value.as_ref());
                push_string(self.out, &exact);
            }
            self.out.push(b']');
        }
        self
    }

    /// A number field (a line number, a count).
    pub fn integer(&mut self, key: &str, value: u64) -> &mut Self {
        self.raw(key, &value.to_string())
    }

    /// A field whose value is JSON already rendered (an array of objects
    /// made with [`Object`]); the caller vouches that it is valid.
    pub fn rendered(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.key(key);
        self.out.extend_from_slice(json);
        self
    }

    /// An array of numbers.
    pub fn numbers(&mut self, key: &str, values: &[u64]) -> &mut Self {
        let list: Vec<String> = values.iter().map(u64::to_string).collect();
        self.raw(key, &format!("[{}]", list.join(",")))
    }

    /// A text field, or `null`.
    pub fn optional_bytes(&mut self, key: &str, value: Option<&[u8]>) -> &mut Self {
        match value {
            Some(value) => self.bytes(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// A text field.
    pub fn text(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        push_string(self.out, value);
        self
    }

    /// A number field, or `null`.
    pub fn number(&mut self, key: &str, value: Option<u32>) -> &mut Self {
        match value {
            Some(number) => self.raw(key, &number.to_string()),
            None => self.raw(key, "null"),
        }
    }

    /// A field holding an object of whole numbers (`{"N":4096,"r":32}`).
    pub fn number_fields(&mut self, key: &str, fields: &[(&str, u64)]) -> &mut Self {
        self.key(key);
        let mut inner = Object::begin(self.out);
        for (name, value) in fields {
            inner.raw(name, &value.to_string());
        }
        inner.end();
        self
    }

    /// A boolean field.
    pub fn boolean(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// Closes the object (`}`).
    pub fn end(&mut self) {
        self.out.push(b'}');
    }

    fn raw(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        self.out.extend_from_slice(value.as_bytes());
        self
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        push_string(self.out, key);
        self.out.push(b':');
    }
}

/// Appends `text` as a JSON string literal, escaped as RFC 8259 requires.
fn push_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut utf8 = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(fill: impl FnOnce(&mut Object<'_>)) -> serde_json::Value {
        let mut out = Vec::new();
        let mut object = Object::begin(&mut out);
        fill(&mut object);
        object.end();
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn utf8_fields_are_exact() {
        let value = object(|o| {
            o.bytes("user", "jörg \"x\"\\\n\u{1}".as_bytes())
                .number("cost", Some(10))
                .number("none", None)
                .boolean("yes", true)
                .optional_bytes("line", None);
        });
        assert_eq!(value["user"], "jörg \"x\"\\\n\u{1}");
        assert_eq!(value["cost"], 10);
        assert!(value["none"].is_null());
        assert_eq!(value["yes"], true);
        assert!(value["line"].is_null());
        assert!(value.get("user_base64").is_none());
    }

    #[test]
    fn numbers_make_a_nested_object() {
        let value = object(|o| {
            o.text("a", "b")
                .number_fields("yescrypt", &[("N", 4096), ("r", 32)])
                .number_fields("empty", &[]);
        });
        assert_eq!(value["yescrypt"]["N"], 4096);
        assert_eq!(value["yescrypt"]["r"], 32);
        assert_eq!(value["empty"], serde_json::json!({}));
        assert_eq!(value["a"], "b");
    }

    #[test]
    fn arrays_of_names_keep_every_item_in_base64_when_one_is_not_utf8() {
        let value = object(|o| {
            o.bytes_array("members", &[&b"alice"[..], b"b\xffb"])
                .numbers("lines", &[3, 5])
                .integer("line", 7)
                .rendered("objects", b"[{\"a\":1}]")
                .bytes_array("none", &[] as &[&[u8]]);
        });
        assert_eq!(value["members"], serde_json::json!(["alice", "b\u{fffd}b"]));
        assert_eq!(value["lines"], serde_json::json!([3, 5]));
        assert_eq!(value["line"], 7);
        assert_eq!(value["objects"], serde_json::json!([{"a": 1}]));
        assert_eq!(value["none"], serde_json::json!([]));
        assert!(value.get("none_base64").is_none());
        let exact: Vec<Vec<u8>> = value["members_base64"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                base64::engine::general_purpose::STANDARD
                    .decode(item.as_str().unwrap())
                    .unwrap()
            })
            .collect();
        assert_eq!(exact, [b"alice".to_vec(), b"b\xffb".to_vec()]);
    }

    #[test]
    fn non_utf8_fields_keep_their_bytes_in_base64() {
        let value = object(|o| {
            o.bytes("user", b"a\xffb");
        });
        assert_eq!(value["user"], "a\u{fffd}b");
        let exact = base64::engine::general_purpose::STANDARD
            .decode(value["user_base64"].as_str().unwrap())
            .unwrap();
        assert_eq!(exact, b"a\xffb");
    }
}
