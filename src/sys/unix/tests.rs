//! The store's behaviour where it depends on Unix: modes, owners and the
//! umask, symbolic links, FIFOs and character devices.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{self, File, Permissions};
use std::os::unix::fs::symlink;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use crate::error::Error;
use crate::store::tests::{append, listing};
use crate::store::{OpenMode, Outcome, Updated, update};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().mode() & 0o7777
}

/// The process umask, read without a system call that needs `unsafe`.
fn current_umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("Umask:"))
        .unwrap();
    u32::from_str_radix(line.trim(), 8).unwrap()
}

#[test]
fn changes_replace_the_file_and_keep_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\n").unwrap();
    fs::set_permissions(&file, Permissions::from_mode(0o640)).unwrap();
    let updated = update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    assert_eq!(
        updated,
        Updated {
            value: (),
            created: false,
            written: true
        }
    );
    assert_eq!(fs::read(&file).unwrap(), b"a:1\nb:2\n");
    assert_eq!(mode(&file), 0o640);
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn owner_and_group_are_kept_when_root() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\n").unwrap();
    if fs::metadata(&file).unwrap().uid() != 0 {
        // Only root can give a file to someone else; nothing to test.
        return;
    }
    std::os::unix::fs::chown(&file, Some(4321), Some(8765)).unwrap();
    fs::set_permissions(&file, Permissions::from_mode(0o604)).unwrap();
    update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    let metadata = fs::metadata(&file).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), (4321, 8765));
    assert_eq!(metadata.mode() & 0o7777, 0o604);
}

#[test]
fn a_new_file_gets_0666_minus_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new");
    let updated = update(&file, OpenMode::CreateIfMissing, |reader, writer| {
        assert!(reader.is_none());
        writer.write_all(b"u:h\n").unwrap();
        Ok((Outcome::Changed, 7))
    })
    .unwrap();
    assert_eq!(
        updated,
        Updated {
            value: 7,
            created: true,
            written: true
        }
    );
    assert_eq!(fs::read(&file).unwrap(), b"u:h\n");
    assert_eq!(mode(&file), 0o666 & !current_umask());
    assert_eq!(listing(dir.path()), BTreeSet::from(["new".into()]));
}

#[test]
fn overwrite_does_not_read_and_keeps_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"old:1\n").unwrap();
    fs::set_permissions(&file, Permissions::from_mode(0o600)).unwrap();
    let updated = update(&file, OpenMode::Overwrite, append(b"new:1\n")).unwrap();
    assert!(!updated.created && updated.written);
    assert_eq!(fs::read(&file).unwrap(), b"new:1\n");
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    let links = dir.path().join("links");
    fs::create_dir(&links).unwrap();
    fs::write(real.join("htpasswd"), b"a:1\n").unwrap();
    // links/second -> first -> ../real/htpasswd: a chain of relative links.
    symlink("../real/htpasswd", links.join("first")).unwrap();
    symlink("first", links.join("second")).unwrap();

    update(&links.join("second"), OpenMode::MustExist, append(b"b:2\n")).unwrap();
    assert_eq!(fs::read(real.join("htpasswd")).unwrap(), b"a:1\nb:2\n");
    for link in ["first", "second"] {
        assert!(
            fs::symlink_metadata(links.join(link))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    assert_eq!(
        fs::read_link(links.join("first")).unwrap(),
        Path::new("../real/htpasswd")
    );
    // The temporary file went beside the target, and is gone.
    assert_eq!(listing(&real), BTreeSet::from(["htpasswd".into()]));
    assert_eq!(
        listing(&links),
        BTreeSet::from(["first".into(), "second".into()])
    );
}

#[test]
fn a_dangling_symlink_gets_its_target_created() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link");
    symlink("target", &link).unwrap();
    let error = update(&link, OpenMode::MustExist, append(b"x\n")).unwrap_err();
    assert!(matches!(error, Error::FileNotFound { .. }));

    let updated = update(&link, OpenMode::CreateIfMissing, append(b"u:1\n")).unwrap();
    assert!(updated.created);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(dir.path().join("target")).unwrap(), b"u:1\n");
}

#[test]
fn a_symlink_loop_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    symlink("b", dir.path().join("a")).unwrap();
    symlink("a", dir.path().join("b")).unwrap();
    let error = update(
        &dir.path().join("a"),
        OpenMode::CreateIfMissing,
        append(b"x\n"),
    )
    .unwrap_err();
    assert!(matches!(error, Error::FileAccess { .. }), "{error:?}");
    assert_eq!(listing(dir.path()).len(), 2);
}

#[test]
fn a_fifo_is_written_in_place_by_overwrite_only() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());

    // Modes that would read it, or must not clobber it, refuse without opening it.
    for mode in [OpenMode::MustExist, OpenMode::CreateIfMissing] {
        let error = update(&fifo, mode, append(b"x\n")).unwrap_err();
        assert!(matches!(error, Error::FileAccess { .. }), "{error:?}");
    }
    let error = update(&fifo, OpenMode::CreateNew, append(b"x\n")).unwrap_err();
    assert!(matches!(error, Error::FileExists { .. }));

    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    let result = update(&fifo, OpenMode::Overwrite, |reader, writer| {
        assert!(reader.is_none());
        writer.write_all(b"u:h\n").unwrap();
        Ok((Outcome::Changed, ()))
    });
    if result.is_err() {
        // Unblock the reader so that the test fails instead of hanging.
        drop(File::options().write(true).open(&fifo));
    }
    let updated = result.unwrap();
    assert!(updated.written && !updated.created);
    assert_eq!(reader.join().unwrap(), b"u:h\n");
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(listing(dir.path()), BTreeSet::from(["fifo".into()]));
}

#[test]
fn a_character_device_is_written_in_place() {
    let updated = update(
        Path::new("/dev/null"),
        OpenMode::Overwrite,
        append(b"u:h\n"),
    )
    .unwrap();
    assert!(updated.written);
}

/// What a killed writer left is removed by the next update, of an
/// existing file (its lock) or of a missing one (the directory lock);
/// everything else in the directory stays.
#[test]
fn stale_temps_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let keep: BTreeSet<OsString> = [
        ".users.aB3dE6.tmp",
        ".users.htpass-short.tmp",
        ".other.htpass-aB3dE6gH9k.tmp",
        ".users2.htpass-aB3dE6gH9k.tmp",
        "users.bak",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    for name in &keep {
        fs::write(dir.path().join(name), b"x").unwrap();
    }
    // Not a regular file: never removed, even with a matching name.
    let link = ".users.htpass-LinkLinkLi.tmp";
    symlink("users.bak", dir.path().join(link)).unwrap();
    let subdir = ".users.htpass-DirDirDirD.tmp";
    fs::create_dir(dir.path().join(subdir)).unwrap();
    let mut expected = keep.clone();
    expected.extend([link, subdir, "users"].map(OsString::from));

    let file = dir.path().join("users");
    for (round, mode) in [OpenMode::CreateIfMissing, OpenMode::MustExist]
        .into_iter()
        .enumerate()
    {
        // Two left by killed writers (SIGKILL cannot clean up).
        for stale in [
            ".users.htpass-Stale0000a.tmp",
            ".users.htpass-Stale0000b.tmp",
        ] {
            fs::write(dir.path().join(stale), b"half").unwrap();
        }
        assert_eq!(round == 0, !file.exists());
        update(&file, mode, append(b"u:h\n")).unwrap();
        assert_eq!(listing(dir.path()), expected, "{mode:?}");
    }
    assert_eq!(fs::read(&file).unwrap(), b"u:h\nu:h\n");
}
