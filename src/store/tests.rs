use super::temp::{
    self, NAME_MAX, TEMP_MARKER_CUT, TEMP_NAME_BYTES, TEMP_RANDOM_BYTES, TEMP_SUFFIX,
};
use super::*;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{self, Permissions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

/// An edit that copies the old content and appends `line`.
fn append(
    line: &'static [u8],
) -> impl FnOnce(Option<&mut dyn BufRead>, &mut dyn Write) -> Result<(Outcome, ()), Error> {
    move |reader, writer| {
        if let Some(reader) = reader {
            io::copy(reader, writer).unwrap();
        }
        writer.write_all(line).unwrap();
        Ok((Outcome::Changed, ()))
    }
}

fn listing(dir: &Path) -> BTreeSet<OsString> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect()
}

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
fn create_new_refuses_an_existing_file_without_calling_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\n").unwrap();
    let error = update(
        &file,
        OpenMode::CreateNew,
        |_, _| -> Result<(Outcome, ()), Error> { panic!("edit must not run") },
    )
    .unwrap_err();
    assert!(matches!(error, Error::FileExists { ref path } if path == &file));
    assert_eq!(fs::read(&file).unwrap(), b"a:1\n");

    // Missing: created.
    let new = dir.path().join("new");
    let updated = update(&new, OpenMode::CreateNew, append(b"x:1\n")).unwrap();
    assert!(updated.created);
    assert_eq!(fs::read(&new).unwrap(), b"x:1\n");
}

#[test]
fn must_exist_on_a_missing_file_is_file_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("missing");
    let error = update(&file, OpenMode::MustExist, append(b"x\n")).unwrap_err();
    assert!(matches!(error, Error::FileNotFound { ref path } if path == &file));
    assert!(listing(dir.path()).is_empty());
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
fn unchanged_leaves_inode_and_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\n").unwrap();
    let old_time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old_time)
        .unwrap();
    let before = fs::metadata(&file).unwrap();
    let updated = update(&file, OpenMode::MustExist, |reader, writer| {
        io::copy(reader.unwrap(), writer).unwrap();
        Ok((Outcome::Unchanged, ()))
    })
    .unwrap();
    assert!(!updated.written);
    let after = fs::metadata(&file).unwrap();
    assert_eq!(after.ino(), before.ino());
    assert_eq!(after.modified().unwrap(), old_time);
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn an_error_in_edit_leaves_the_file_and_the_directory_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\r\n# keep\n").unwrap();
    let before = listing(dir.path());
    let inode = fs::metadata(&file).unwrap().ino();
    for mode in [
        OpenMode::MustExist,
        OpenMode::CreateIfMissing,
        OpenMode::Overwrite,
    ] {
        let error = update(&file, mode, |_, writer| -> Result<(Outcome, ()), Error> {
            writer.write_all(b"half").unwrap();
            Err(Error::UserNotFound { user: "x".into() })
        })
        .unwrap_err();
        assert!(matches!(error, Error::UserNotFound { .. }));
        assert_eq!(fs::read(&file).unwrap(), b"a:1\r\n# keep\n");
        assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
        assert_eq!(listing(dir.path()), before);
    }
    // Nor is a missing file created.
    let new = dir.path().join("new");
    update(
        &new,
        OpenMode::CreateIfMissing,
        |_, _| -> Result<(Outcome, ()), Error> { Err(Error::UsernameEmpty) },
    )
    .unwrap_err();
    assert_eq!(listing(dir.path()), before);
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
fn a_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [
        OpenMode::MustExist,
        OpenMode::Overwrite,
        OpenMode::CreateNew,
    ] {
        let error = update(dir.path(), mode, append(b"x\n")).unwrap_err();
        assert!(
            matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::IsADirectory),
            "{error:?}"
        );
    }
    let error = read(dir.path(), |_| Ok(())).unwrap_err();
    assert!(
        matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::IsADirectory)
    );
    assert!(error.to_string().contains("is a directory"));
}

#[test]
fn a_missing_directory_is_a_file_access_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no/such/dir/htpasswd");
    let error = update(&file, OpenMode::CreateIfMissing, append(b"x\n")).unwrap_err();
    assert!(
        matches!(&error, Error::FileAccess { source, .. } if source.kind() == io::ErrorKind::NotFound),
        "{error:?}"
    );
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

#[test]
fn read_streams_and_reports_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    let error = read(&file, |_| Ok(())).unwrap_err();
    assert!(matches!(error, Error::FileNotFound { ref path } if path == &file));
    fs::write(&file, b"a:1\nb:2\n").unwrap();
    let lines = read(&file, |reader| Ok(reader.lines().count())).unwrap();
    assert_eq!(lines, 2);
}

/// Many writers at once, each appending its own line: the lock makes them
/// take turns, so no update is lost (Apache loses most, defect D13).
fn concurrent_appends(file: &Path) {
    const WRITERS: usize = 20;
    let barrier = Arc::new(Barrier::new(WRITERS));
    let threads: Vec<_> = (0..WRITERS)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let file = file.to_path_buf();
            std::thread::spawn(move || {
                barrier.wait();
                update(&file, OpenMode::CreateIfMissing, |reader, writer| {
                    if let Some(reader) = reader {
                        io::copy(reader, writer).unwrap();
                    }
                    // Widen the window in which a lost update would happen.
                    std::thread::sleep(Duration::from_millis(2));
                    writeln!(writer, "user{i}:hash").unwrap();
                    Ok((Outcome::Changed, ()))
                })
                .unwrap();
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let content = fs::read_to_string(file).unwrap();
    let lines: BTreeSet<&str> = content.lines().collect();
    assert_eq!(content.lines().count(), WRITERS, "{content}");
    for i in 0..WRITERS {
        assert!(
            lines.contains(format!("user{i}:hash").as_str()),
            "{content}"
        );
    }
}

#[test]
fn concurrent_updates_of_an_existing_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"").unwrap();
    concurrent_appends(&file);
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn concurrent_creates_of_a_missing_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    concurrent_appends(&file);
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

/// The test hook reports each phase once, in order, on the updating
/// thread (other tests update files at the same time on theirs).
#[test]
fn phases_are_reported_in_order_on_the_updating_thread() {
    static SEEN: std::sync::Mutex<Vec<(std::thread::ThreadId, Phase)>> =
        std::sync::Mutex::new(Vec::new());
    fn record(phase: Phase) {
        SEEN.lock()
            .unwrap()
            .push((std::thread::current().id(), phase));
    }
    set_phase_observer(record);
    let mine = || -> Vec<Phase> {
        let me = std::thread::current().id();
        let seen = SEEN.lock().unwrap();
        seen.iter()
            .filter(|(thread, _)| *thread == me)
            .map(|&(_, phase)| phase)
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\n").unwrap();
    update(&file, OpenMode::MustExist, append(b"b:2\n")).unwrap();
    assert_eq!(mine(), [Phase::Write, Phase::Rename, Phase::Replaced]);
    // A failed edit never reaches the rename.
    update(&file, OpenMode::MustExist, |_, writer| {
        writer.write_all(&[b'x'; 2 * BUFFER_BYTES]).unwrap();
        Err::<(Outcome, ()), _>(Error::UsernameEmpty)
    })
    .unwrap_err();
    assert_eq!(
        mine(),
        [Phase::Write, Phase::Rename, Phase::Replaced, Phase::Write]
    );
    assert_eq!(
        [Phase::Write, Phase::Rename, Phase::Replaced].map(Phase::name),
        ["write", "rename", "replaced"]
    );
}

#[test]
fn temp_names_say_whose_they_are_and_nothing_else_matches() {
    let random = b"aB3dE6gH9k";
    let ours = [b".users.htpass-".as_slice(), random, b".tmp"].concat();
    assert!(temp::is_temp_of(&ours, b"users"));
    for other in [
        // Another file's, or a name that merely starts alike.
        [b".user.htpass-".as_slice(), random, b".tmp"].concat(),
        [b".users2.htpass-".as_slice(), random, b".tmp"].concat(),
        [b".users.htpass-".as_slice(), b"aB3dE6gH9", b".tmp"].concat(),
        [b".users.htpass-".as_slice(), b"aB3dE6gH9kk", b".tmp"].concat(),
        [b".users.htpass-".as_slice(), b"aB3dE6gH9-", b".tmp"].concat(),
        [b".users.htpass~".as_slice(), random, b".tmp"].concat(),
        [b"users.htpass-".as_slice(), random, b".tmp"].concat(),
        [b".users.htpass-".as_slice(), random, b".tmp~"].concat(),
        // The naming before this one, and Apache's.
        b".users.aB3dE6.tmp".to_vec(),
        b"htpasswd.tmp.aB3dE6".to_vec(),
        b"users".to_vec(),
    ] {
        assert!(
            !temp::is_temp_of(&other, b"users"),
            "{}",
            String::from_utf8_lossy(&other)
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let temp = temp::beside(&dir.path().join("users"), None).unwrap();
    let name = temp.path().file_name().unwrap().as_bytes().to_vec();
    assert!(
        temp::is_temp_of(&name, b"users"),
        "{}",
        String::from_utf8_lossy(&name)
    );

    // A name too long to repeat whole is cut, marked so, and fits NAME_MAX.
    let long = "n".repeat(NAME_MAX);
    let target = dir.path().join(&long);
    let temp = temp::beside(&target, None).unwrap();
    let name = temp.path().file_name().unwrap().as_bytes().to_vec();
    assert_eq!(name.len(), NAME_MAX);
    assert!(name.starts_with(b".nnn"));
    assert!(name[..name.len() - TEMP_RANDOM_BYTES - TEMP_SUFFIX.len()].ends_with(TEMP_MARKER_CUT));
    // ... and never passes for the temporary file of the name it was cut to.
    let cut = &long.as_bytes()[..TEMP_NAME_BYTES];
    assert!(!temp::is_temp_of(&name, cut));
    assert!(!temp::is_temp_of(&name, long.as_bytes()));
    // The longest name repeated whole also fits.
    let longest = "m".repeat(TEMP_NAME_BYTES);
    let target = dir.path().join(&longest);
    let temp = temp::beside(&target, None).unwrap();
    let name = temp.path().file_name().unwrap().as_bytes().to_vec();
    assert_eq!(name.len(), NAME_MAX);
    assert!(temp::is_temp_of(&name, longest.as_bytes()));
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
