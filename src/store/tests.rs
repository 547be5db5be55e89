//! The store's behaviour on every platform; what depends on one lives with
//! it (`src/sys/unix/tests.rs`, `src/sys/windows/tests.rs`), using the
//! helpers here.

use super::temp::{
    self, NAME_MAX, TEMP_MARKER_CUT, TEMP_NAME_BYTES, TEMP_RANDOM_BYTES, TEMP_SUFFIX,
};
use super::*;
use crate::sys;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

/// An edit that copies the old content and appends `line`.
pub(crate) fn append(
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

/// The file's identity (inode, or volume and index): it changes when a
/// new version is renamed over the file, not when it is rewritten in place.
pub(crate) fn id(path: &Path) -> String {
    sys::file_id(&File::open(path).unwrap()).unwrap()
}

/// Whether this system renames a file over one that is held open (with
/// every sharing mode, as the writer holds FILE): Unix always; Windows 10
/// 1809 and later on NTFS, through std's rename with POSIX semantics; not
/// Wine 8, nor FAT. Where it does not, updates are rewritten in place.
pub(crate) fn renames_over_an_open_file() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    fs::write(&old, b"old").unwrap();
    fs::write(&new, b"new").unwrap();
    let held = File::open(&old).unwrap();
    let renamed = fs::rename(&new, &old).is_ok();
    drop(held);
    renamed
}

pub(crate) fn listing(dir: &Path) -> BTreeSet<OsString> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect()
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
    let before = id(&file);
    let updated = update(&file, OpenMode::MustExist, |reader, writer| {
        io::copy(reader.unwrap(), writer).unwrap();
        Ok((Outcome::Unchanged, ()))
    })
    .unwrap();
    assert!(!updated.written);
    assert_eq!(id(&file), before);
    assert_eq!(fs::metadata(&file).unwrap().modified().unwrap(), old_time);
    assert_eq!(listing(dir.path()), BTreeSet::from(["htpasswd".into()]));
}

#[test]
fn an_error_in_edit_leaves_the_file_and_the_directory_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("htpasswd");
    fs::write(&file, b"a:1\r\n# keep\n").unwrap();
    let before = listing(dir.path());
    let inode = id(&file);
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
        assert_eq!(id(&file), inode);
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
    // Where the system cannot rename over a file the writer holds open,
    // the update is an in-place rewrite (see `src/sys/windows.rs`).
    let mut expected = if renames_over_an_open_file() {
        vec![Phase::Write, Phase::Rename, Phase::Replaced]
    } else {
        vec![Phase::Write, Phase::Rename, Phase::Rewrite, Phase::Replaced]
    };
    assert_eq!(mine(), expected);
    // A failed edit never reaches the rename.
    update(&file, OpenMode::MustExist, |_, writer| {
        writer.write_all(&[b'x'; 2 * BUFFER_BYTES]).unwrap();
        Err::<(Outcome, ()), _>(Error::UsernameEmpty)
    })
    .unwrap_err();
    expected.push(Phase::Write);
    assert_eq!(mine(), expected);
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
    let name = temp.path().file_name().unwrap().as_encoded_bytes().to_vec();
    assert!(
        temp::is_temp_of(&name, b"users"),
        "{}",
        String::from_utf8_lossy(&name)
    );

    // A name too long to repeat whole is cut, marked so, and fits NAME_MAX.
    let long = "n".repeat(NAME_MAX);
    let target = dir.path().join(&long);
    let temp = temp::beside(&target, None).unwrap();
    let name = temp.path().file_name().unwrap().as_encoded_bytes().to_vec();
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
    let name = temp.path().file_name().unwrap().as_encoded_bytes().to_vec();
    assert_eq!(name.len(), NAME_MAX);
    assert!(temp::is_temp_of(&name, longest.as_bytes()));
}
