//! `htpass group` (cli.md, "Group files"): Apache's group files written
//! through the same store as htpasswd files, read the way
//! `mod_authz_groupfile` reads them (the facts, with their sources, are in
//! `src/group/mod.rs`), and `htpass delete FILE USER --groups GROUPFILE`.
//! Real Apache httpd reading what these commands write is in
//! `interop/apache_groups.rs`.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

use crate::util::{TestDir, file_verifies};

/// The most bytes of one line (without its `\n`) that Apache httpd 2.4
/// reads from a group file; measured with the real server in
/// `interop/apache_groups.rs`.
const APACHE_MAX_LINE: usize = 16 * 1024 * 1024 - 1;

/// (inode, mtime) of `name`: unchanged when the file was not rewritten.
fn identity(dir: &TestDir, name: &str) -> (u64, std::time::SystemTime) {
    let meta = fs::metadata(dir.path(name)).expect("stat");
    (meta.ino(), meta.modified().expect("mtime"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn group_add_creates_the_file_and_the_group() {
    let dir = TestDir::new();
    dir.htpass()
        .args(["group", "add", "httpd.groups", "pusher", "alice", "bob"])
        .assert()
        .success()
        .stdout("")
        .stderr(contains("created httpd.groups"))
        .stderr(contains("added alice to group pusher"))
        .stderr(contains("added bob to group pusher"));
    assert_eq!(text(&dir.read("httpd.groups")), "pusher: alice bob\n");
    // A new file gets 0666 minus the umask, as an htpasswd file does.
    let mode = fs::metadata(dir.path("httpd.groups")).unwrap().mode() & 0o777;
    assert_eq!(mode & 0o400, 0o400, "{mode:o}");
}

#[test]
fn group_add_appends_to_the_groups_line_and_keeps_every_other_byte() {
    let dir = TestDir::new();
    let before = "# who may push\r\n\n  admins : root\t\npusher: alice  \r\n# end\nreaders: carol";
    dir.write("groups", before);
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "bob", "dave"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "# who may push\r\n\n  admins : root\t\npusher: alice bob dave  \r\n# end\nreaders: carol"
    );
    // A new group goes at the end, after a line ending that the last line lacked.
    dir.htpass()
        .args(["group", "add", "groups", "pullers", "erin"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "# who may push\r\n\n  admins : root\t\npusher: alice bob dave  \r\n# end\nreaders: carol\npullers: erin\n"
    );
}

#[test]
fn group_add_of_members_already_there_changes_nothing_and_keeps_the_inode() {
    let dir = TestDir::new();
    // Apache merges the lines of a group, and compares group names without
    // regard to ASCII case (APR's tables): `Pusher` and `pusher` are one.
    let before = "Pusher: alice\nreaders: bob\npusher: carol\n";
    dir.write("groups", before);
    let was = identity(&dir, "groups");
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "carol", "alice"])
        .assert()
        .success()
        .stderr(contains("unchanged: carol is already in group pusher"))
        .stderr(contains("unchanged: alice is already in group pusher"));
    assert_eq!(text(&dir.read("groups")), before);
    assert_eq!(identity(&dir, "groups"), was);

    // A new member goes on the group's first line, once, however often named.
    dir.htpass()
        .args(["group", "add", "groups", "PUSHER", "dave", "carol", "dave"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "Pusher: alice dave\nreaders: bob\npusher: carol\n"
    );
}

#[test]
fn group_remove_takes_members_off_every_line_of_the_group_only() {
    let dir = TestDir::new();
    dir.write(
        "groups",
        "pusher: alice bob alice\r\nreaders: alice bob\nPUSHER: bob carol\n",
    );
    dir.htpass()
        .args(["group", "remove", "groups", "pusher", "bob", "alice"])
        .assert()
        .success()
        .stderr(contains("removed bob from group pusher"))
        .stderr(contains("removed alice from group pusher"));
    assert_eq!(
        text(&dir.read("groups")),
        "pusher:\r\nreaders: alice bob\nPUSHER: carol\n"
    );

    let was = identity(&dir, "groups");
    thread::sleep(Duration::from_millis(20));
    for args in [
        &["group", "remove", "groups", "pusher", "alice"][..],
        &["group", "remove", "groups", "nobody-group", "carol"],
    ] {
        dir.htpass()
            .args(args)
            .assert()
            .success()
            .stderr(contains("unchanged"));
    }
    assert_eq!(identity(&dir, "groups"), was);
}

#[test]
fn group_delete_removes_every_line_of_the_group() {
    let dir = TestDir::new();
    dir.write(
        "groups",
        "# pushers\npusher: alice\nreaders: bob\nPusher: carol \\\n  dave\n# end\n",
    );
    dir.htpass()
        .args(["group", "delete", "groups", "pusher"])
        .assert()
        .success()
        .stderr(contains("deleted group pusher"));
    assert_eq!(
        text(&dir.read("groups")),
        "# pushers\nreaders: bob\n# end\n"
    );

    let was = identity(&dir, "groups");
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["group", "delete", "groups", "pusher"])
        .assert()
        .success()
        .stderr(contains("unchanged: no group pusher in groups"));
    assert_eq!(identity(&dir, "groups"), was);
}

#[test]
fn remove_and_delete_of_a_missing_group_file_fail_with_exit_1() {
    let dir = TestDir::new();
    for args in [
        &["group", "remove", "nothere", "pusher", "alice"][..],
        &["group", "delete", "nothere", "pusher"],
        &["group", "list", "nothere"],
    ] {
        dir.htpass()
            .args(args)
            .assert()
            .code(1)
            .stderr(contains("nothere: no such group file"))
            .stderr(contains("htpass group add"));
    }
    assert_eq!(dir.names(), Vec::<String>::new());
}

#[test]
fn group_list_shows_the_groups_then_a_groups_members_as_apache_reads_them() {
    let dir = TestDir::new();
    dir.write(
        "groups",
        "# c \\\nhidden: zed\npusher: alice \"john smith\" x\\\\y\nreaders:\nPusher: bob alice\nlong: a \\\n  b\n",
    );
    dir.htpass()
        .args(["group", "list", "groups"])
        .assert()
        .success()
        .stdout("pusher\nreaders\nlong\n");
    dir.htpass()
        .args(["group", "list", "groups", "PUSHER"])
        .assert()
        .success()
        .stdout("alice\njohn smith\nx\\\\y\nbob\n");
    dir.htpass()
        .args(["group", "list", "groups", "long"])
        .assert()
        .success()
        .stdout("a\nb\n");
    dir.htpass()
        .args(["group", "list", "groups", "readers"])
        .assert()
        .success()
        .stdout("");
    dir.htpass()
        .args(["group", "list", "groups", "hidden"])
        .assert()
        .code(6)
        .stderr(contains("no group hidden in groups"))
        .stderr(contains("htpass group list groups"));

    let output = dir
        .htpass()
        .args(["group", "list", "groups", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!([
            {"group": "pusher", "lines": [3, 5], "members": ["alice", "john smith", "x\\y", "bob"]},
            {"group": "readers", "lines": [4], "members": []},
            {"group": "long", "lines": [6], "members": ["a", "b"]},
        ])
    );
    let output = dir
        .htpass()
        .args(["group", "list", "groups", "readers", "--format", "json"])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!([{"group": "readers", "lines": [4], "members": []}])
    );
}

#[test]
fn names_apache_would_read_differently_are_refused_and_nothing_is_written() {
    let dir = TestDir::new();
    dir.write("groups", "pusher: alice\n");
    let was = identity(&dir, "groups");
    let refused: [(&str, &str, &str); 14] = [
        ("two words", "bob", "white space"),
        ("a:b", "bob", "':'"),
        ("#admins", "bob", "comment"),
        ("", "bob", "empty"),
        ("tab\there", "bob", "white space"),
        ("bell\x07", "bob", "control character"),
        ("zero\u{200b}width", "bob", "U+200B ZERO WIDTH SPACE"),
        ("pusher", "john smith", "white space"),
        ("pusher", "\"quoted", "quote"),
        ("pusher", "'quoted", "quote"),
        ("pusher", "a\\\\b", "backslash"),
        ("pusher", "trailing\\", "backslash"),
        ("pusher", "a:b", "':'"),
        ("pusher", "rtl\u{202e}x", "U+202E"),
    ];
    for (group, user, why) in refused {
        dir.htpass()
            .args(["group", "add", "groups", group, "carol", user])
            .assert()
            .code(6)
            .stderr(contains(why));
    }
    assert_eq!(text(&dir.read("groups")), "pusher: alice\n");
    assert_eq!(identity(&dir, "groups"), was);
    // A backslash alone is read as itself (DOMAIN\user).
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "DOMAIN\\bob"])
        .assert()
        .success();
    assert_eq!(text(&dir.read("groups")), "pusher: alice DOMAIN\\bob\n");
}

#[test]
fn members_written_by_hand_in_quotes_can_be_listed_and_removed() {
    let dir = TestDir::new();
    dir.write("groups", "pusher: \"john smith\" alice 'o\\'brien'\n");
    dir.htpass()
        .args([
            "group",
            "remove",
            "groups",
            "pusher",
            "john smith",
            "o'brien",
        ])
        .assert()
        .success();
    assert_eq!(text(&dir.read("groups")), "pusher: alice\n");
}

#[test]
fn a_line_continued_with_a_backslash_is_one_line_and_rewritten_as_one_when_changed() {
    let dir = TestDir::new();
    dir.write("groups", "pusher: alice \\\n  bob\r\nreaders: carol\n");
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "dave"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "pusher: alice   bob dave\r\nreaders: carol\n"
    );
}

#[test]
fn a_file_apache_would_not_read_as_written_is_refused_with_exit_7() {
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "no colon",
            b"pusher: alice\nthis is not a group line\n".to_vec(),
            "line 2",
        ),
        ("NUL", b"pusher: alice\0 bob\n".to_vec(), "NUL"),
        (
            "too long",
            [
                b"readers: ".as_slice(),
                &vec![b'x'; APACHE_MAX_LINE],
                b"\npusher: alice\n",
            ]
            .concat(),
            "16777215",
        ),
    ];
    for (what, content, says) in cases {
        let dir = TestDir::new();
        dir.write("groups", &content);
        for args in [
            &["group", "add", "groups", "pusher", "bob"][..],
            &["group", "remove", "groups", "pusher", "alice"],
            &["group", "delete", "groups", "pusher"],
            &["group", "list", "groups"],
        ] {
            dir.htpass()
                .args(args)
                .assert()
                .code(7)
                .stderr(contains("groups: line"))
                .stderr(contains(says));
        }
        assert!(dir.read("groups") == content, "{what}: changed");
    }
}

#[test]
fn a_line_apache_can_still_read_is_written_and_one_more_member_is_refused_with_exit_5() {
    let dir = TestDir::new();
    let prefix = "pusher: ";
    let filler = "x".repeat(APACHE_MAX_LINE - prefix.len() - " bob".len());
    dir.write("groups", format!("{prefix}{filler}\n"));
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "bob"])
        .assert()
        .success();
    let content = dir.read("groups");
    assert_eq!(content.len(), APACHE_MAX_LINE + 1);
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "c"])
        .assert()
        .code(5)
        .stderr(contains("line 1"))
        .stderr(contains("16777215"));
    assert!(dir.read("groups") == content);
}

#[test]
fn a_symlinked_group_file_is_followed_and_keeps_its_mode() {
    let dir = TestDir::new();
    fs::create_dir(dir.path("conf")).unwrap();
    dir.write("conf/groups", "pusher: alice\n");
    fs::set_permissions(dir.path("conf/groups"), fs::Permissions::from_mode(0o640)).unwrap();
    symlink("conf/groups", dir.path("groups")).unwrap();
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "bob"])
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(dir.path("groups"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(text(&dir.read("conf/groups")), "pusher: alice bob\n");
    assert_eq!(
        fs::metadata(dir.path("conf/groups")).unwrap().mode() & 0o777,
        0o640
    );
}

#[test]
fn group_remove_takes_any_name_a_file_holds() {
    let dir = TestDir::new();
    dir.write("groups", "pusher: alice \"two  spaces\"\n");
    dir.htpass()
        .args(["group", "remove", "groups", "pusher", "two  spaces"])
        .assert()
        .success();
    assert_eq!(text(&dir.read("groups")), "pusher: alice\n");
}

// ---- htpass delete FILE USER... --groups GROUPFILE -------------------------

const SHA1_PW: &str = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";

fn users_file(dir: &TestDir, names: &[&str]) {
    let content: String = names
        .iter()
        .map(|name| format!("{name}:{SHA1_PW}\n"))
        .collect();
    dir.write("users", content);
}

#[test]
fn delete_with_groups_removes_the_user_from_the_file_and_every_group() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob", "carol"]);
    dir.write(
        "groups",
        "# teams\npusher: alice bob\nreaders: bob carol\nadmins: carol\n",
    );
    dir.htpass()
        .args(["delete", "users", "bob", "--groups", "groups"])
        .assert()
        .success()
        .stderr(contains("deleted user bob"))
        .stderr(contains("removed bob from group pusher (groups line 2)"))
        .stderr(contains("removed bob from group readers (groups line 3)"));
    assert!(!file_verifies(&dir.path("users"), "bob", "pw"));
    assert!(file_verifies(&dir.path("users"), "alice", "pw"));
    assert_eq!(
        text(&dir.read("groups")),
        "# teams\npusher: alice\nreaders: carol\nadmins: carol\n"
    );

    // In no group: the group file is left as it was.
    let was = identity(&dir, "groups");
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["delete", "users", "alice", "--groups", "groups"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "# teams\npusher:\nreaders: carol\nadmins: carol\n"
    );
    users_file(&dir, &["dave"]);
    let was_now = identity(&dir, "groups");
    assert_ne!(was_now, was);
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["delete", "users", "dave", "--groups", "groups"])
        .assert()
        .success()
        .stderr(contains("deleted user dave"))
        .stderr(contains("dave is in no group of groups"));
    assert_eq!(identity(&dir, "groups"), was_now);
}

#[test]
fn delete_with_groups_changes_neither_file_when_a_user_is_missing() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob"]);
    dir.write("groups", "pusher: alice bob zed\n");
    let users_was = identity(&dir, "users");
    let groups_was = identity(&dir, "groups");
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["delete", "users", "bob", "zed", "--groups", "groups"])
        .assert()
        .code(6)
        .stderr(contains("zed not found"));
    assert_eq!(identity(&dir, "users"), users_was);
    assert_eq!(identity(&dir, "groups"), groups_was);

    // --ignore-missing: bob leaves both files, and zed, a member who
    // lingered after his entry went, leaves the group.
    dir.htpass()
        .args([
            "delete",
            "users",
            "bob",
            "zed",
            "--groups",
            "groups",
            "--ignore-missing",
        ])
        .assert()
        .success()
        .stderr(contains("removed zed from group pusher"));
    assert_eq!(text(&dir.read("groups")), "pusher: alice\n");
}

#[test]
fn delete_with_groups_checks_the_group_file_before_changing_anything() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob"]);
    let users_was = identity(&dir, "users");
    thread::sleep(Duration::from_millis(20));
    dir.htpass()
        .args(["delete", "users", "bob", "--groups", "nothere"])
        .assert()
        .code(1)
        .stderr(contains("nothere: no such group file"));
    dir.write("bad-groups", "pusher: bob\nnot a group line\n");
    dir.htpass()
        .args(["delete", "users", "bob", "--groups", "bad-groups"])
        .assert()
        .code(7)
        .stderr(contains("line 2"));
    dir.htpass()
        .args(["delete", "users", "bob", "--groups", "users"])
        .assert()
        .code(2)
        .stderr(contains("--groups"));
    assert_eq!(identity(&dir, "users"), users_was);
}

/// The group file's update fails after the htpasswd file's succeeded:
/// another `htpass` holds the group file's lock past `--wait`. The message
/// says that FILE has changed and how to finish.
#[test]
fn delete_with_groups_says_what_was_done_when_the_group_file_fails_second() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob"]);
    dir.write("groups", "pusher: alice bob\n");
    let mut holder = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["group", "add", "groups", "readers", "carol"])
        .current_dir(dir.path(""))
        .env("HTPASS_TEST_STOP_AT", "write")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the holder");
    crate::util::wait_until_stopped(&mut holder);
    let output = dir
        .htpass()
        .args([
            "--wait", "0.3", "delete", "users", "bob", "--groups", "groups",
        ])
        .output()
        .unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("deleted user bob"), "{stderr}");
    assert!(
        stderr.contains("users was changed (bob deleted), but groups was not"),
        "{stderr}"
    );
    assert!(
        stderr.contains("htpass delete users bob --groups groups --ignore-missing"),
        "{stderr}"
    );
    assert!(!file_verifies(&dir.path("users"), "bob", "pw"));
    assert_eq!(text(&dir.read("groups")), "pusher: alice bob\n");
    // Run again as told: the group file is finished.
    dir.htpass()
        .args([
            "delete",
            "users",
            "bob",
            "--groups",
            "groups",
            "--ignore-missing",
        ])
        .assert()
        .success();
    assert_eq!(text(&dir.read("groups")), "pusher: alice\n");
}

#[test]
fn group_help_names_every_command_and_the_apache_directives() {
    let output = crate::util::htpass()
        .args(["group", "--help"])
        .output()
        .unwrap();
    let help = text(&output.stdout);
    assert!(output.status.success(), "{help}");
    for word in [
        "add",
        "remove",
        "delete",
        "list",
        "AuthGroupFile",
        "Require group",
    ] {
        assert!(help.contains(word), "{word}: {help}");
    }
    crate::util::htpass()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("group").and(contains("GROUPFILE")));
}

#[test]
fn man_pages_cover_group_and_each_of_its_commands() {
    let dir = TestDir::new();
    crate::util::htpass()
        .arg("manpages")
        .arg(dir.path(""))
        .assert()
        .success();
    let made = dir.names();
    for page in [
        "htpass-group.1",
        "htpass-group-add.1",
        "htpass-group-remove.1",
        "htpass-group-delete.1",
        "htpass-group-list.1",
    ] {
        assert!(made.contains(&page.to_owned()), "no {page}: {made:?}");
    }
    assert!(!made.iter().any(|page| page.contains("help")), "{made:?}");
    let add = text(&dir.read("htpass-group-add.1"));
    assert!(add.contains("GROUPFILE"), "{add}");
    let delete = text(&dir.read("htpass-delete.1"));
    assert!(delete.contains("\\-\\-groups"), "{delete}");
}

#[test]
fn a_directory_as_group_file_is_exit_1_for_every_command() {
    let dir = TestDir::new();
    fs::create_dir(dir.path("d")).unwrap();
    users_file(&dir, &["alice"]);
    for args in [
        &["group", "add", "d", "pusher", "alice"][..],
        &["group", "remove", "d", "pusher", "alice"],
        &["group", "delete", "d", "pusher"],
        &["group", "list", "d"],
        &["delete", "users", "alice", "--groups", "d"],
    ] {
        dir.htpass()
            .args(args)
            .assert()
            .code(1)
            .stderr(contains("d: "));
    }
    assert!(file_verifies(&dir.path("users"), "alice", "pw"));
}

// ---- htpass check FILE --groups GROUPFILE -----------------------------------

#[test]
fn check_with_groups_reports_each_member_without_an_entry_as_an_error() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "carol"]);
    dir.write(
        "groups",
        "# teams\npusher: alice bob\nreaders: carol bob zed bob\nadmins:\n",
    );
    let output = dir
        .htpass()
        .args(["check", "users", "--groups", "groups"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // The htpasswd file's own findings first (sha1 is weak), then the
    // group file's, one per member and line.
    assert!(lines[0].starts_with("users:1: warning: "), "{stdout}");
    let group_lines: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| line.starts_with("groups:"))
        .collect();
    assert_eq!(group_lines.len(), 3, "{stdout}");
    assert!(
        group_lines[0]
            .starts_with("groups:2: error: user bob of group pusher has no entry in users"),
        "{stdout}"
    );
    assert!(
        group_lines[1].starts_with("groups:3: error: user bob of group readers"),
        "{stdout}"
    );
    assert!(
        group_lines[2].starts_with("groups:3: error: user zed of group readers"),
        "{stdout}"
    );
    assert!(
        group_lines[0].contains("htpass group remove groups pusher bob"),
        "{stdout}"
    );
    assert!(
        text(&output.stderr).contains("3 errors"),
        "{}",
        text(&output.stderr)
    );

    // Every member has an entry: no error.
    dir.write("groups", "pusher: alice\nreaders: carol alice\n");
    dir.htpass()
        .args(["check", "users", "--groups", "groups"])
        .assert()
        .success()
        .stdout(contains("groups:").not());
}

#[test]
fn check_with_groups_reports_lines_apache_would_not_read_as_written() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob"]);
    dir.write(
        "groups",
        "# who may push \\\npusher: alice\nnot a group line\nreaders: bob\0 carol\n# fine \\\n\npusher: bob\n",
    );
    let output = dir
        .htpass()
        .args(["check", "users", "--groups", "groups"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("groups:1: error: "), "{stdout}");
    assert!(stdout.contains("line 2"), "{stdout}");
    assert!(stdout.contains("groups:3: error: "), "{stdout}");
    assert!(
        stdout.contains("groups:4: error: ") && stdout.contains("NUL"),
        "{stdout}"
    );
    // carol, after the NUL, is not read by Apache, so not reported missing;
    // the blank line a comment swallows is harmless.
    assert!(!stdout.contains("carol"), "{stdout}");
    assert!(!stdout.contains("groups:5:"), "{stdout}");
    assert!(!stdout.contains("groups:7:"), "{stdout}");
}

#[test]
fn check_with_groups_in_json_has_the_group_files_findings_apart() {
    let dir = TestDir::new();
    users_file(&dir, &["alice"]);
    dir.write("groups", "pusher: alice bob\n");
    let output = dir
        .htpass()
        .args(["check", "users", "--groups", "groups", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7));
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(value["file"], "users");
    assert_eq!(value["groups"]["file"], "groups");
    let findings = value["groups"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["code"], "member-without-entry");
    assert_eq!(findings[0]["group"], "pusher");
    assert_eq!(findings[0]["user"], "bob");
    assert_eq!(value["errors"], 1);
    assert_eq!(value["failed"], true);
}

#[test]
fn check_with_groups_needs_a_group_file_and_a_file_it_can_read_twice() {
    let dir = TestDir::new();
    users_file(&dir, &["alice"]);
    dir.htpass()
        .args(["check", "users", "--groups", "nothere"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("nothere: no such group file"));
    dir.htpass()
        .args(["check", "users", "--groups", "users"])
        .assert()
        .code(2);
    dir.write("groups", "pusher: alice\n");
    dir.htpass()
        .args(["check", "-", "--groups", "groups"])
        .write_stdin(format!("alice:{SHA1_PW}\n"))
        .assert()
        .code(2)
        .stderr(contains("--groups"));
}

// ---- the store's guarantees, for group files --------------------------------

/// N concurrent `group add`s to one file leave N members, as N `add`s to an
/// htpasswd file leave N entries: the store's lock serialises them.
#[test]
fn concurrent_group_adds_all_land() {
    let dir = TestDir::new();
    dir.write("groups", "# teams\npusher: alice\n");
    let children: Vec<std::process::Child> = (0..16)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_htpass"))
                .args(["group", "add", "groups", "pusher", &format!("user{i:02}")])
                .current_dir(dir.path(""))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start htpass")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let content = text(&dir.read("groups"));
    let lines: Vec<&str> = content.lines().collect();
    assert_eq!(lines.len(), 2, "{content}");
    let mut members: Vec<&str> = lines[1]
        .strip_prefix("pusher:")
        .unwrap()
        .split_whitespace()
        .collect();
    members.sort_unstable();
    let mut expected: Vec<String> = (0..16).map(|i| format!("user{i:02}")).collect();
    expected.push("alice".to_owned());
    expected.sort();
    assert_eq!(members, expected);
    assert_eq!(dir.names(), ["groups"], "nothing left beside the file");
}

/// A group file bind-mounted into place (`docker run -v
/// ./httpd.groups:/usr/local/apache2/conf/httpd.groups`) cannot be renamed
/// over: it is rewritten in place, with its inode, and said so.
#[test]
fn a_bind_mounted_group_file_is_rewritten_in_place() {
    let dir = TestDir::new();
    dir.write("src", "pusher: alice\n");
    fs::create_dir(dir.path("conf")).unwrap();
    fs::create_dir(dir.path("tmp")).unwrap();
    dir.write("conf/httpd.groups", "");
    let inode = fs::metadata(dir.path("src")).unwrap().ino();
    let root = fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    let mut command = Command::new("unshare");
    if !root {
        command.arg("--map-root-user").arg("--user");
    }
    let output = command
        .args(["--mount", "--propagation", "private", "bash", "-euc"])
        .arg(
            r#"cd "$1"
mount --bind src conf/httpd.groups
"$HTPASS" group add conf/httpd.groups pusher bob
"$HTPASS" group remove conf/httpd.groups pusher alice"#,
        )
        .arg("scenario")
        .arg(dir.path(""))
        .env("HTPASS", env!("CARGO_BIN_EXE_htpass"))
        .env("TMPDIR", dir.path("tmp"))
        .stdin(Stdio::null())
        .output()
        .expect("run unshare (util-linux): apt-get install util-linux");
    let stderr = text(&output.stderr);
    assert!(
        !stderr.starts_with("unshare:"),
        "a private mount namespace cannot be made here ({stderr}); run as root, as CI does"
    );
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("rewritten in place"), "{stderr}");
    assert_eq!(text(&dir.read("src")), "pusher: bob\n");
    assert_eq!(fs::metadata(dir.path("src")).unwrap().ino(), inode);
    assert_eq!(dir.names(), ["conf", "src", "tmp"]);
    assert!(crate::util::names_in(&dir.path("tmp")).is_empty());
    assert_eq!(crate::util::names_in(&dir.path("conf")), ["httpd.groups"]);
}

/// Ctrl-C (SIGINT) after `delete --groups` changed FILE and before it
/// changed the group file: FILE's change stands, the group file is left as
/// it was, and the one message says so (not "no file was changed").
#[test]
fn delete_with_groups_interrupted_between_the_two_files_says_what_changed() {
    let dir = TestDir::new();
    users_file(&dir, &["alice", "bob"]);
    dir.write("groups", "pusher: alice bob\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_htpass"))
        .args(["delete", "users", "bob", "--groups", "groups"])
        .current_dir(dir.path(""))
        .env("HTPASS_TEST_STOP_AT", "replaced")
        .env("HTPASS_TEST_AWAIT_INTERRUPT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start htpass");
    crate::util::wait_until_stopped(&mut child);
    for signal in ["-INT", "-CONT"] {
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("users was changed (bob deleted), but groups was not: interrupted"),
        "{stderr}"
    );
    assert!(!stderr.contains("no file was changed"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("htpass:")).count(),
        1,
        "{stderr}"
    );
    assert!(!file_verifies(&dir.path("users"), "bob", "pw"));
    assert_eq!(text(&dir.read("groups")), "pusher: alice bob\n");
}

/// Regression: a file whose last line ends in `\` (continued into nothing)
/// would have the appended group joined to it by Apache; an empty line
/// ends the continuation first.
#[test]
fn a_group_appended_after_a_last_line_continued_by_a_backslash_stays_a_line_of_its_own() {
    let dir = TestDir::new();
    dir.write("groups", "readers: alice \\\n");
    dir.htpass()
        .args(["group", "add", "groups", "pusher", "bob"])
        .assert()
        .success();
    assert_eq!(
        text(&dir.read("groups")),
        "readers: alice \\\n\npusher: bob\n"
    );
    dir.htpass()
        .args(["group", "list", "groups", "pusher"])
        .assert()
        .success()
        .stdout("bob\n");
    dir.htpass()
        .args(["group", "list", "groups", "readers"])
        .assert()
        .success()
        .stdout("alice\n");
}
