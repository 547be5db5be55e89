//! The Windows layer and the store's behaviour where it depends on Windows:
//! locks that exclude writers but not readers, the lock of a missing FILE,
//! the rename over an open FILE and the in-place rewrite where another
//! program's sharing mode forbids it, attributes kept. Run under Wine by
//! `scripts/xplat-test`.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::os::windows::fs::OpenOptionsExt;

use super::*;
use crate::store::tests::{append, id, listing, renames_over_an_open_file};
use crate::store::{OpenMode, update};

// Sharing modes (winnt.h).
const FILE_SHARE_READ: u32 = 1;
const FILE_SHARE_WRITE: u32 = 2;
const FILE_ATTRIBUTE_HIDDEN: u32 = 2;

fn read_write(path: &Path) -> File {
    File::options().read(true).write(true).open(path).unwrap()
}

#[test]
fn the_lock_excludes_a_second_handle_until_the_first_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let first = read_write(&path);
    let second = read_write(&path);
    assert!(try_lock_file(&first).unwrap());
    assert!(!try_lock_file(&second).unwrap());
    // Even from the same process, through the same path: the lock is the
    // handle's, as an open-file-description lock is on Linux.
    assert!(!try_lock_file(&read_write(&path)).unwrap());
    drop(first);
    assert!(try_lock_file(&second).unwrap());
}

#[test]
fn a_waiting_lock_is_granted_when_the_holder_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let holder = read_write(&path);
    assert!(try_lock_file(&holder).unwrap());
    let waiter = read_write(&path);
    let granted = std::thread::spawn(move || lock_file(&waiter));
    std::thread::sleep(Duration::from_millis(100));
    assert!(!granted.is_finished());
    drop(holder);
    granted.join().unwrap().unwrap();
}

/// Windows locks are mandatory: a lock on FILE's content would make a web
/// server's read fail while htpass writes.
#[test]
fn the_lock_keeps_no_reader_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let holder = read_write(&path);
    assert!(try_lock_file(&holder).unwrap());
    assert_eq!(fs::read(&path).unwrap(), b"a:1\n");
    // Nor the holder itself, through its own handle.
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut &holder, &mut content).unwrap();
    assert_eq!(content, b"a:1\n");
}

#[test]
fn the_lock_of_a_missing_file_excludes_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("htpasswd");
    let held = try_lock_missing(&target).unwrap().unwrap();
    assert!(try_lock_missing(&target).unwrap().is_none());
    // Another FILE in the same directory has its own.
    let other = try_lock_missing(&dir.path().join("other")).unwrap();
    assert!(other.is_some());
    drop(other);
    let waiter = {
        let target = target.clone();
        std::thread::spawn(move || lock_missing(&target))
    };
    std::thread::sleep(Duration::from_millis(100));
    assert!(!waiter.is_finished());
    drop(held);
    let held = waiter.join().unwrap().unwrap();
    drop(held);
    assert_eq!(listing(dir.path()), BTreeSet::new());
}

#[test]
fn the_lock_of_a_missing_file_in_a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = try_lock_missing(&dir.path().join("no/htpasswd")).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
}

#[test]
fn a_lock_file_left_by_a_power_cut_is_taken_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("htpasswd");
    fs::write(dir.path().join(".htpasswd.htpass-lock"), b"").unwrap();
    update(&target, OpenMode::CreateIfMissing, append(b"u:h\n")).unwrap();
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn same_file_tells_another_file_at_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let locked = read_write(&path);
    assert!(same_file(&path, &locked).unwrap());
    let before = file_id(&locked).unwrap();
    // Moved away (open with FILE_SHARE_DELETE, as std opens files), and a
    // new file made at its path.
    fs::rename(&path, dir.path().join("moved")).unwrap();
    fs::write(&path, b"b:2\n").unwrap();
    assert!(!same_file(&path, &locked).unwrap());
    assert_ne!(file_id(&File::open(&path).unwrap()).unwrap(), before);
    assert_eq!(file_id(&locked).unwrap(), before);
    assert!(!same_file(&dir.path().join("missing"), &locked).is_ok_and(|same| same));
}

/// The writer holds FILE open (and locked) while it renames the new version
/// over it: Windows 10 1809+ on NTFS replaces FILE (std's rename falls back
/// to POSIX semantics); where the system refuses (Wine 8, FAT), FILE is
/// rewritten in place. Either way a reader holding FILE open with every
/// sharing mode sees no error, and nothing is left beside FILE.
#[test]
fn an_update_renames_a_new_version_over_the_file_where_the_system_can() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let before = id(&path);
    let reader = File::open(&path).unwrap();
    update(&path, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"a:1\nb:2\n");
    assert_eq!(id(&path) != before, renames_over_an_open_file());
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
    drop(reader);
}

/// The C runtime's `fopen` shares reading and writing but not deletion:
/// FILE cannot be renamed over while such a program holds it, so it is
/// rewritten in place (Apache's own htpasswd always does that).
#[test]
fn a_file_held_open_without_delete_sharing_is_rewritten_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let before = id(&path);
    let holder = OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
        .open(&path)
        .unwrap();
    update(&path, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"a:1\nb:2\n");
    // The same file, as the holder sees it, and no recovery copy left.
    assert_eq!(id(&path), before);
    let mut seen = Vec::new();
    std::io::Read::read_to_end(&mut &holder, &mut seen).unwrap();
    assert_eq!(seen, b"a:1\nb:2\n");
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn attributes_are_kept_and_temporary_is_not_added() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("htpasswd");
    fs::write(&path, b"a:1\n").unwrap();
    let file = read_write(&path);
    let mut permissions = file.metadata().unwrap().permissions();
    permissions.set_readonly(false);
    drop(file);
    // Hidden, through the attribute std sets at creation.
    fs::remove_file(&path).unwrap();
    let mut hidden = OpenOptions::new()
        .write(true)
        .create_new(true)
        .attributes(FILE_ATTRIBUTE_HIDDEN)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut hidden, b"a:1\n").unwrap();
    drop(hidden);
    update(&path, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    let attributes =
        std::os::windows::fs::MetadataExt::file_attributes(&fs::metadata(&path).unwrap());
    assert_ne!(attributes & FILE_ATTRIBUTE_HIDDEN, 0, "{attributes:#x}");
    // FILE_ATTRIBUTE_TEMPORARY, which tempfile gives its files.
    assert_eq!(attributes & 0x100, 0, "{attributes:#x}");
}

#[test]
fn a_cut_name_still_fits() {
    let dir = tempfile::tempdir().unwrap();
    let long = "é".repeat(200);
    let lock = missing_lock_path(&dir.path().join(&long));
    let name = lock.file_name().unwrap().to_str().unwrap();
    assert!(name.encode_utf16().count() <= NAME_MAX, "{name}");
    assert!(name.ends_with(".htpass-lock"));
    let held = try_lock_missing(&dir.path().join(&long)).unwrap();
    assert!(held.is_some());
}

#[test]
fn sharing_violations_and_access_denied_mean_rewrite_in_place() {
    for code in [5, 17, 32] {
        assert!(cannot_rename_over(&io::Error::from_raw_os_error(code)));
    }
    assert!(!cannot_rename_over(&io::Error::from_raw_os_error(2)));
}
