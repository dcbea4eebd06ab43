//! Output formats (filled in next).
