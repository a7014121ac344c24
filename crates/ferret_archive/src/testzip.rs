//! A zip writer for tests that can lie: local headers that disagree with the central directory,
//! declared sizes unlike the real ones, entries sharing data, duplicate names, device modes.
//! Used by this crate's unit tests and by tests/hostile.rs (through `#[path]`).

#![allow(dead_code)]

use std::io::Write;

/// One member. `build` writes a local header and data for it (unless `share` points it at an
/// earlier entry's), then a central entry.
#[derive(Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    /// Name in the local header (defaults to `name`).
    pub local_name: Vec<u8>,
    /// Stored bytes (already compressed when `method` is 8).
    pub data: Vec<u8>,
    pub method: u16,
    pub crc: u32,
    /// Uncompressed size declared in the central directory.
    pub size: u32,
    /// Compressed size declared in the local header (defaults to the real one).
    pub local_compressed: u32,
    /// Compressed size declared in the central directory (defaults to the real one).
    pub compressed: u32,
    /// Unix mode (file type and permissions), stored in the external attributes.
    pub mode: u32,
    /// Use the local header of this earlier entry instead of writing one.
    pub share: Option<usize>,
    /// Write the local header and data but no central entry.
    pub hidden: bool,
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

/// A deflated member.
pub fn deflated(name: &str, content: &[u8]) -> RawEntry {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(content).unwrap();
    let data = e.finish().unwrap();
    RawEntry {
        name: name.as_bytes().to_vec(),
        local_name: name.as_bytes().to_vec(),
        method: 8,
        crc: crc32(content),
        size: content.len() as u32,
        local_compressed: data.len() as u32,
        compressed: data.len() as u32,
        data,
        mode: 0o100644,
        share: None,
        hidden: false,
    }
}

/// A stored (uncompressed) member.
pub fn stored(name: &str, content: &[u8]) -> RawEntry {
    RawEntry {
        name: name.as_bytes().to_vec(),
        local_name: name.as_bytes().to_vec(),
        method: 0,
        crc: crc32(content),
        size: content.len() as u32,
        local_compressed: content.len() as u32,
        compressed: content.len() as u32,
        data: content.to_vec(),
        mode: 0o100644,
        share: None,
        hidden: false,
    }
}

pub fn build(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        if let Some(j) = e.share {
            offsets.push(offsets[j]);
            continue;
        }
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]);
        out.extend_from_slice(&e.crc.to_le_bytes());
        out.extend_from_slice(&e.local_compressed.to_le_bytes());
        out.extend_from_slice(&e.size.to_le_bytes());
        out.extend_from_slice(&(e.local_name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&e.local_name);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (e, off) in entries.iter().zip(&offsets).filter(|(e, _)| !e.hidden) {
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&[20, 3]); // made by: Unix
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]);
        out.extend_from_slice(&e.crc.to_le_bytes());
        out.extend_from_slice(&e.compressed.to_le_bytes());
        out.extend_from_slice(&e.size.to_le_bytes());
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        out.extend_from_slice(&(e.mode << 16).to_le_bytes());
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&e.name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    let listed = entries.iter().filter(|e| !e.hidden).count();
    let n = (listed.min(0xffff) as u16).to_le_bytes();
    out.extend_from_slice(&n);
    out.extend_from_slice(&n);
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}
