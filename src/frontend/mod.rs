//! Front-end support shared by the programs (being written).
