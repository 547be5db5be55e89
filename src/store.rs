//! Safe updates of an htpasswd file (being written).
