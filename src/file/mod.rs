//! Streaming, byte-preserving reading and editing of htpasswd files (being written).
