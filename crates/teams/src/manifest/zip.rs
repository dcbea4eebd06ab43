//! A ZIP archive of a few files, stored without compression: all an app package needs (the
//! icons are PNGs, already deflated; the manifest is a few kilobytes). The tree has no ZIP
//! writer; the format for stored entries is short (APPNOTE 6.3: local headers, data, central
//! directory, end record), CRC-32 comes from crc32fast. No time stamps of the moment: every
//! entry is dated 1980-01-01 00:00, so the same files give the same bytes.

/// DOS date 1980-01-01 (years since 1980 << 9 | month << 5 | day) and time 00:00:00.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// Version needed to extract: 1.0 (stored entries).
const VERSION: u16 = 10;
/// General-purpose flag bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

/// The archive of `files` (name, contents), in that order, at the archive's root.
/// Sizes and offsets are 32-bit (no ZIP64): for an app package's few kilobytes.
pub(crate) fn stored(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        let name_len = name.len() as u16;

        put32(&mut out, 0x0403_4b50);
        for v in [VERSION, UTF8_NAMES, 0, DOS_TIME, DOS_DATE] {
            put16(&mut out, v);
        }
        for v in [crc, size, size] {
            put32(&mut out, v);
        }
        put16(&mut out, name_len);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        put32(&mut central, 0x0201_4b50);
        // Made by: version 1.0, MS-DOS attributes.
        for v in [VERSION, VERSION, UTF8_NAMES, 0, DOS_TIME, DOS_DATE] {
            put16(&mut central, v);
        }
        for v in [crc, size, size] {
            put32(&mut central, v);
        }
        // Name, extra and comment lengths; disk number; internal attributes.
        for v in [name_len, 0, 0, 0, 0] {
            put16(&mut central, v);
        }
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    let count = files.len() as u16;
    // This disk, the directory's disk, entries here, entries in all.
    for v in [0, 0, count, count] {
        put16(&mut out, v);
    }
    put32(&mut out, central_size);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(b: &[u8], i: usize) -> u16 {
        u16::from_le_bytes([b[i], b[i + 1]])
    }

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
    }

    #[test]
    fn entries_and_directory_are_where_the_end_record_says() {
        let zip = stored(&[("a.txt", b"hello"), ("b.bin", &[0, 1, 2])]);
        let end = zip.len() - 22;
        assert_eq!(u32_at(&zip, end), 0x0605_4b50);
        assert_eq!(u16_at(&zip, end + 10), 2, "two entries");
        let dir = u32_at(&zip, end + 16) as usize;
        assert_eq!(u32_at(&zip, end + 12) as usize, end - dir, "directory size");
        assert_eq!(u32_at(&zip, dir), 0x0201_4b50);
        assert_eq!(u32_at(&zip, dir + 16), crc32fast::hash(b"hello"));
        assert_eq!(&zip[dir + 46..dir + 51], b"a.txt");
        // The first local entry, at offset 0: its data right after the name.
        assert_eq!(u32_at(&zip, 0), 0x0403_4b50);
        assert_eq!(u32_at(&zip, 14), 0x3610_a686, "CRC-32 of \"hello\"");
        assert_eq!(&zip[30..35], b"a.txt");
        assert_eq!(&zip[35..40], b"hello");
    }

    #[test]
    fn an_empty_archive_is_the_end_record_alone() {
        let zip = stored(&[]);
        assert_eq!(zip.len(), 22);
        assert_eq!(u32_at(&zip, 0), 0x0605_4b50);
    }
}
