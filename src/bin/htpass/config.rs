//! The parsed command line turned, once, into plain values: [`Params`],
//! [`Username`], password sources, [`OutputFormat`].
//!
//! Everything that can be checked without touching a file is checked here,
//! before any work: user names (exit 6 or 5), option combinations clap cannot
//! express (exit 2), and whether a password can be had at all (no terminal and
//! no source: exit 2 at once). Command modules receive these values, never
//! the clap structs.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::ValueEnum;
use htpass::check::{CheckOptions, Server};
use htpass::frontend::Failure;
use htpass::frontend::password::{NewPasswordSource, PasswordSource, Purpose, without_line_ending};
use htpass::group::{self, GroupName};
use htpass::hash::{
    Algorithm, BcryptCost, BcryptVariant, Params, ShaRounds, ShaVariant, VerifyPolicy,
};
use htpass::render::{self, CaddyFormat, Rules, SecretSpec};
use htpass::sync::UnlistedUsers;
use htpass::{Error, Username};

use crate::cli::{
    AddArgs, AlgorithmArg, AlgorithmArgs, BcryptVariantArg, CheckArgs, CheckServer, Cli, Command,
    CreateArgs, DeleteArgs, EntryFormat, ExportArgs, ExportFormat, GroupCommand, GroupDeleteArgs,
    GroupListArgs, GroupListFormat, GroupMembersArgs, HashArgs, HashFormat, ListArgs, ListFormat,
    NewPasswordArgs, PasswordArgs, ReportFormat, ReuseArgs, SecretArgs, SecretReader, SyncArgs,
    SyncFormat, VerifyArgs,
};

/// One command, ready to run.
pub enum Config {
    Create(Create),
    Add(Add),
    Verify(Verify),
    Delete(Delete),
    List(List),
    Hash(Hash),
    Check(Check),
    Export(Export),
    AddBatch(AddBatch),
    Group(Group),
    Sync(Sync),
    Completions(clap_complete::Shell),
    Manpages(PathBuf),
}

/// How an entry (user, hash) is printed on stdout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// `user:hash` and a newline (the hash alone when there is no user).
    Line,
    /// The hash and a newline.
    Hash,
    /// One JSON object and a newline.
    Json,
    /// `user:hash` with every `$` doubled, and a newline.
    Compose,
    /// A Kubernetes Secret manifest holding `user:hash` and a newline.
    K8sSecret(SecretSpec),
}

/// A user to write, with how to hash and where the password comes from.
pub struct NewEntry {
    pub user: Username,
    pub params: Params,
    pub source: NewPasswordSource,
}

pub struct Create {
    pub path: PathBuf,
    pub entry: Option<NewEntry>,
    pub force: bool,
    pub format: Option<OutputFormat>,
}

/// What `add` does when the user is already in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Keep the line if its hash matches the password and the parameters.
    UpdateIfChanged,
    /// `--rehash`: always write a new hash.
    Rehash,
    /// `--no-update`: refuse (exit 1).
    Refuse,
}

pub struct Add {
    pub path: PathBuf,
    pub entry: NewEntry,
    pub existing: Existing,
    pub format: Option<OutputFormat>,
}

pub struct Verify {
    pub path: PathBuf,
    pub user: Username,
    pub source: PasswordSource,
    pub policy: VerifyPolicy,
}

pub struct Delete {
    pub path: PathBuf,
    /// Each name once, in the order given.
    pub users: Vec<Username>,
    pub ignore_missing: bool,
    /// `--groups GROUPFILE`: the users leave its groups too.
    pub groups: Option<PathBuf>,
}

/// How `list` shows each entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStyle {
    /// The user name, escaped for the terminal.
    Names,
    /// Name, algorithm and cost, tab-separated.
    Long,
    /// A JSON array, exact.
    Json,
}

pub struct List {
    pub path: PathBuf,
    pub style: ListStyle,
}

pub struct Hash {
    pub user: Option<Username>,
    pub params: Params,
    pub source: NewPasswordSource,
    pub format: OutputFormat,
    pub reuse: Option<ReuseFrom>,
}

/// `--reuse-from LAST`: where the last output is, and the data key of the
/// Secret it may be.
pub struct ReuseFrom {
    pub source: BatchSource,
    pub key: String,
}

/// Where `add --batch` and `export --from` read their `user:password`
/// lines, or `--reuse-from` its last output.
pub enum BatchSource {
    Stdin,
    File(PathBuf),
}

impl BatchSource {
    /// How messages name it (`standard input, line 3: ...`).
    pub fn name(&self) -> String {
        match self {
            BatchSource::Stdin => "standard input".to_owned(),
            BatchSource::File(path) => path.display().to_string(),
        }
    }
}

pub struct AddBatch {
    pub path: PathBuf,
    pub params: Params,
    pub source: BatchSource,
    pub existing: Existing,
}

/// Whether `sync` changes FILE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// Make FILE hold the declared users.
    Apply,
    /// `--dry-run`: report what would be done.
    DryRun,
    /// `--check`: report, and fail (exit 8) unless FILE is in the state.
    Check,
}

pub struct Sync {
    pub path: PathBuf,
    pub source: BatchSource,
    pub params: Params,
    pub rehash: bool,
    pub unlisted: UnlistedUsers,
    pub mode: SyncMode,
    /// `--format json`: the report on stdout too.
    pub json: bool,
}

/// How `check` prints its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportStyle {
    /// `FILE:LINE: SEVERITY: reason`, one a line.
    Lines,
    /// One JSON object.
    Json,
}

pub struct Check {
    pub path: PathBuf,
    pub options: CheckOptions,
    pub style: ReportStyle,
    /// `--groups GROUPFILE`: also check the group file against FILE.
    pub groups: Option<PathBuf>,
}

/// An `htpass group` command.
pub enum Group {
    /// `group add`: each user once, in the order given.
    Add {
        path: PathBuf,
        group: GroupName,
        users: Vec<Username>,
    },
    /// `group remove`: each user once.
    Remove {
        path: PathBuf,
        group: GroupName,
        users: Vec<Username>,
    },
    Delete {
        path: PathBuf,
        group: GroupName,
    },
    List {
        path: PathBuf,
        group: Option<GroupName>,
        json: bool,
    },
}

/// How `export` renders a whole file.
pub enum ExportStyle {
    K8sSecret(SecretSpec),
    Compose,
    Json,
    Caddy(CaddyFormat),
}

impl ExportStyle {
    /// What the destination refuses (compose's own refusals are the
    /// renderer's: a ',' anywhere in an entry).
    pub fn rules(&self) -> &'static Rules {
        match self {
            ExportStyle::K8sSecret(spec) => spec.reader().rules(),
            ExportStyle::Compose | ExportStyle::Json => &Rules::ANY,
            ExportStyle::Caddy(CaddyFormat::Caddyfile) => &render::CADDYFILE,
            ExportStyle::Caddy(CaddyFormat::Json) => &render::CADDY_JSON,
        }
    }
}

/// What `export` renders.
pub enum ExportInput {
    /// An htpasswd file's entries, as they are.
    File(PathBuf),
    /// The users of `user:password` lines, hashed with `params` (or reused
    /// from the last output).
    List {
        source: BatchSource,
        params: Params,
        reuse: Option<ReuseFrom>,
    },
}

pub struct Export {
    pub input: ExportInput,
    pub style: ExportStyle,
}

impl Config {
    pub fn from_cli(cli: Cli) -> Result<Config, Failure> {
        Ok(match cli.command {
            Command::Create(args) => Config::Create(create(args)?),
            Command::Add(args) if args.batch => Config::AddBatch(add_batch(args)?),
            Command::Add(args) => Config::Add(add(args)?),
            Command::Verify(args) => Config::Verify(verify(args)?),
            Command::Delete(args) => Config::Delete(delete(args)?),
            Command::List(args) => Config::List(list(args)),
            Command::Hash(args) => Config::Hash(hash(args)?),
            Command::Check(args) => Config::Check(check(args)?),
            Command::Export(args) => Config::Export(export(args)?),
            Command::Group(command) => Config::Group(group_command(command)?),
            Command::Sync(args) => Config::Sync(sync(args)?),
            Command::Completions(args) => Config::Completions(args.shell),
            Command::Manpages { dir } => Config::Manpages(dir),
        })
    }
}

fn create(args: CreateArgs) -> Result<Create, Failure> {
    let entry = match args.user {
        Some(user) => Some(NewEntry {
            user: username(user)?,
            params: params(&args.algorithm)?,
            source: new_password_source(args.password)?,
        }),
        None => {
            if given_new_source(&args.password) {
                return Err(Failure::Usage(
                    "a password is given but no USER; name the user to add, or leave out the password option".to_owned(),
                ));
            }
            if args.format.is_some() {
                return Err(Failure::Usage(
                    "--format prints the new entry, but no USER is given; name the user to add, or leave out --format".to_owned(),
                ));
            }
            None
        }
    };
    Ok(Create {
        path: args.file,
        entry,
        force: args.force,
        format: args.format.map(output_format),
    })
}

fn existing(args: &AddArgs) -> Existing {
    if args.no_update {
        Existing::Refuse
    } else if args.rehash {
        Existing::Rehash
    } else {
        Existing::UpdateIfChanged
    }
}

fn add(args: AddArgs) -> Result<Add, Failure> {
    let existing = existing(&args);
    // clap requires USER unless --batch, and this is not --batch.
    let user = args.user.ok_or_else(|| {
        Failure::Usage("no USER given; name the user to add, or pass --batch".to_owned())
    })?;
    Ok(Add {
        entry: NewEntry {
            user: username(user)?,
            params: params(&args.algorithm)?,
            source: new_password_source(args.password)?,
        },
        path: args.file,
        existing,
        format: args.format.map(output_format),
    })
}

fn add_batch(args: AddArgs) -> Result<AddBatch, Failure> {
    Ok(AddBatch {
        params: params(&args.algorithm)?,
        existing: existing(&args),
        source: match args.from {
            Some(path) => BatchSource::File(path),
            None => BatchSource::Stdin,
        },
        path: args.file,
    })
}

fn sync(args: SyncArgs) -> Result<Sync, Failure> {
    let mode = if args.check {
        SyncMode::Check
    } else if args.dry_run {
        SyncMode::DryRun
    } else {
        SyncMode::Apply
    };
    let source = if args.from.as_os_str() == "-" {
        BatchSource::Stdin
    } else {
        BatchSource::File(args.from)
    };
    let path = if args.file.as_os_str() == "-" {
        if mode == SyncMode::Apply {
            return Err(Failure::Usage(
                "FILE - (standard input) can only be compared with the list: add --check or --dry-run, or name the file to change".to_owned(),
            ));
        }
        if matches!(source, BatchSource::Stdin) {
            return Err(Failure::Usage(
                "FILE and --from cannot both be - (standard input); give one of them as a file"
                    .to_owned(),
            ));
        }
        input_path(args.file)
    } else {
        args.file
    };
    Ok(Sync {
        path,
        source,
        params: params(&args.algorithm)?,
        rehash: args.rehash,
        unlisted: if args.keep_unlisted {
            UnlistedUsers::Keep
        } else {
            UnlistedUsers::Remove
        },
        mode,
        json: matches!(args.format, SyncFormat::Json),
    })
}

fn check(args: CheckArgs) -> Result<Check, Failure> {
    let mut servers: Vec<Server> = Vec::new();
    for server in args.servers {
        let server = match server {
            CheckServer::Registry => Server::Registry,
            CheckServer::Nginx => Server::Nginx,
            CheckServer::Apache => Server::Apache,
            CheckServer::Traefik => Server::Traefik,
            CheckServer::Envoy => Server::Envoy,
            CheckServer::NginxIngress => Server::NginxIngress,
            CheckServer::NginxGatewayFabric => Server::NginxGatewayFabric,
            CheckServer::OpenShift => Server::OpenShift,
            CheckServer::Caddy => Server::Caddy,
        };
        if !servers.contains(&server) {
            servers.push(server);
        }
    }
    if let Some(groups) = &args.groups {
        refuse_same_file(&args.file, groups)?;
    }
    Ok(Check {
        path: input_path(args.file),
        groups: args.groups,
        options: CheckOptions {
            servers,
            require_bcrypt: args.require.is_some(),
            min_cost: args.min_cost,
            strict: args.strict,
        },
        style: match args.format {
            ReportFormat::Line => ReportStyle::Lines,
            ReportFormat::Json => ReportStyle::Json,
        },
    })
}

fn export(args: ExportArgs) -> Result<Export, Failure> {
    let reuse_given = args.reuse.reuse_from.is_some();
    let style = match args.format {
        ExportFormat::K8sSecret => ExportStyle::K8sSecret(secret_spec(&args.secret)?),
        other => {
            refuse_secret_options(&args.secret, other, reuse_given)?;
            match other {
                ExportFormat::Compose => ExportStyle::Compose,
                ExportFormat::Caddyfile => ExportStyle::Caddy(CaddyFormat::Caddyfile),
                ExportFormat::CaddyJson => ExportStyle::Caddy(CaddyFormat::Json),
                ExportFormat::Json | ExportFormat::K8sSecret => ExportStyle::Json,
            }
        }
    };
    let input = match (args.file, args.from) {
        (_, Some(from)) => {
            let source = batch_source(from);
            let reuse = reuse_from(&args.reuse, &args.secret)?;
            if let (Some(reuse), BatchSource::Stdin) = (&reuse, &source)
                && matches!(reuse.source, BatchSource::Stdin)
            {
                return Err(Failure::Usage(
                    "--reuse-from - and --from - both read standard input; give one of them a file"
                        .to_owned(),
                ));
            }
            let params = params(&args.algorithm)?;
            // Before anything is read: Envoy Gateway verifies {SHA} only, Caddy bcrypt only.
            style.rules().check_params(&params)?;
            ExportInput::List {
                source,
                params,
                reuse,
            }
        }
        (Some(file), None) => {
            if reuse_given {
                return Err(Failure::Usage(
                    "export FILE renders FILE's hashes as they are, so they are stable already; --reuse-from needs the passwords: use --from USERS (user:password lines) instead of FILE".to_owned(),
                ));
            }
            if let Some(option) = algorithm_option_given(&args.algorithm) {
                return Err(Failure::Usage(format!(
                    "{option} applies to export --from (new hashes), but FILE's entries are rendered as they are; leave it out, or use --from USERS"
                )));
            }
            ExportInput::File(input_path(file))
        }
        // clap requires FILE unless --from.
        (None, None) => {
            return Err(Failure::Usage(
                "no FILE given; name the htpasswd file to export, or pass --from USERS".to_owned(),
            ));
        }
    };
    Ok(Export { input, style })
}

/// `--from PATH`: `-` is standard input.
fn batch_source(path: PathBuf) -> BatchSource {
    if path.as_os_str() == "-" {
        BatchSource::Stdin
    } else {
        BatchSource::File(path)
    }
}

/// `--reuse-from LAST`, with the data key of the Secret LAST may be.
fn reuse_from(reuse: &ReuseArgs, secret: &SecretArgs) -> Result<Option<ReuseFrom>, Failure> {
    let Some(path) = reuse.reuse_from.clone() else {
        return Ok(None);
    };
    let key = match &secret.secret_key {
        Some(key) => key.clone(),
        None => secret_reader(secret).key().to_owned(),
    };
    Ok(Some(ReuseFrom {
        source: batch_source(path),
        key,
    }))
}

/// The first algorithm option given, for a message.
fn algorithm_option_given(args: &AlgorithmArgs) -> Option<&'static str> {
    [
        ("-a", args.algorithm.is_some()),
        ("--cost", args.cost.is_some()),
        ("--rounds", args.rounds.is_some()),
        ("--bcrypt-variant", args.bcrypt_variant.is_some()),
    ]
    .into_iter()
    .find_map(|(option, given)| given.then_some(option))
}

/// The reader `--for` names (ingress-nginx when none).
fn secret_reader(args: &SecretArgs) -> render::SecretReader {
    match args.reader.unwrap_or(SecretReader::IngressNginx) {
        SecretReader::IngressNginx => render::SecretReader::IngressNginx,
        SecretReader::Traefik => render::SecretReader::Traefik,
        SecretReader::EnvoyGateway => render::SecretReader::EnvoyGateway,
        SecretReader::NginxIngress => render::SecretReader::NginxIngress,
        SecretReader::NginxGatewayFabric => render::SecretReader::NginxGatewayFabric,
        SecretReader::OpenShift => render::SecretReader::OpenShift,
    }
}

/// The Secret's names, labels and annotations, checked now so that a bad
/// one fails before a password is asked for.
fn secret_spec(args: &SecretArgs) -> Result<SecretSpec, Failure> {
    let reader = secret_reader(args);
    let name = args
        .secret_name
        .as_deref()
        .unwrap_or(render::DEFAULT_SECRET_NAME);
    let mut spec = SecretSpec::new(
        name,
        args.namespace.as_deref(),
        reader,
        args.secret_key.as_deref(),
    )?;
    for pair in &args.label {
        let (key, value) = key_value("--label", pair)?;
        spec.add_label(key, value)?;
    }
    for pair in &args.annotation {
        let (key, value) = key_value("--annotation", pair)?;
        spec.add_annotation(key, value)?;
    }
    Ok(spec)
}

/// `KEY=VALUE` split at the first `=` (a key has none; a value may).
fn key_value<'a>(option: &str, pair: &'a str) -> Result<(&'a str, &'a str), Failure> {
    pair.split_once('=').ok_or_else(|| {
        Failure::Usage(format!(
            "{option}: \"{}\" has no '='; write KEY=VALUE (VALUE may be empty: KEY=)",
            pair.escape_debug()
        ))
    })
}

/// The Secret options mean nothing to other formats: say so rather than
/// ignore them. With `--reuse-from`, `--secret-key` and `--for` still name
/// the data key of the Secret that LAST may be.
fn refuse_secret_options(
    args: &SecretArgs,
    format: impl ValueEnum,
    reuse_given: bool,
) -> Result<(), Failure> {
    let format = format
        .to_possible_value()
        .map(|value| value.get_name().to_owned())
        .unwrap_or_default();
    let given = [
        ("--secret-name", args.secret_name.is_some()),
        ("--namespace", args.namespace.is_some()),
        ("--secret-key", args.secret_key.is_some() && !reuse_given),
        ("--for", args.reader.is_some() && !reuse_given),
        ("--label", !args.label.is_empty()),
        ("--annotation", !args.annotation.is_empty()),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((option, _)) => Err(Failure::Usage(format!(
            "{option} applies only to --format k8s-secret, not to --format {format}; leave it out, or use --format k8s-secret"
        ))),
        None => Ok(()),
    }
}

fn verify(args: VerifyArgs) -> Result<Verify, Failure> {
    Ok(Verify {
        user: existing_username(args.user)?,
        source: password_source(args.password, Purpose::Check)?,
        path: args.file,
        policy: VerifyPolicy {
            allow_plain: args.allow_plain,
        },
    })
}

fn delete(args: DeleteArgs) -> Result<Delete, Failure> {
    let users = distinct(args.users, existing_username)?;
    if let Some(groups) = &args.groups {
        refuse_same_file(&args.file, groups)?;
    }
    Ok(Delete {
        path: args.file,
        users,
        ignore_missing: args.ignore_missing,
        groups: args.groups,
    })
}

/// Each name of `names` once, in the order given, made by `make`.
fn distinct(
    names: Vec<OsString>,
    make: impl Fn(OsString) -> Result<Username, Failure>,
) -> Result<Vec<Username>, Failure> {
    let mut users: Vec<Username> = Vec::with_capacity(names.len());
    for name in names {
        let user = make(name)?;
        if !users.contains(&user) {
            users.push(user);
        }
    }
    Ok(users)
}

/// `--groups FILE` names the htpasswd file itself: its entries would be
/// read as groups (`alice` with the member `$2y$...`). Refused before
/// anything is read (exit 2).
fn refuse_same_file(file: &std::path::Path, groups: &std::path::Path) -> Result<(), Failure> {
    let same = file == groups
        || matches!(
            (std::fs::canonicalize(file), std::fs::canonicalize(groups)),
            (Ok(a), Ok(b)) if a == b
        );
    if same {
        return Err(Failure::Usage(format!(
            "--groups {} names the htpasswd file itself; give the group file (AuthGroupFile)",
            groups.display()
        )));
    }
    Ok(())
}

fn group_command(command: GroupCommand) -> Result<Group, Failure> {
    Ok(match command {
        GroupCommand::Add(GroupMembersArgs {
            groupfile,
            group,
            users,
        }) => Group::Add {
            path: groupfile,
            group: GroupName::new(group.into_encoded_bytes())?,
            users: distinct(users, |user| {
                Ok(group::new_member(user.into_encoded_bytes())?)
            })?,
        },
        GroupCommand::Remove(GroupMembersArgs {
            groupfile,
            group,
            users,
        }) => Group::Remove {
            path: groupfile,
            group: GroupName::existing(group.into_encoded_bytes())?,
            users: distinct(users, existing_username)?,
        },
        GroupCommand::Delete(GroupDeleteArgs { groupfile, group }) => Group::Delete {
            path: groupfile,
            group: GroupName::existing(group.into_encoded_bytes())?,
        },
        GroupCommand::List(GroupListArgs {
            groupfile,
            group,
            format,
        }) => Group::List {
            path: input_path(groupfile),
            group: group
                .map(|group| GroupName::existing(group.into_encoded_bytes()))
                .transpose()?,
            json: matches!(format, GroupListFormat::Json),
        },
    })
}

fn list(args: ListArgs) -> List {
    let style = match (args.format, args.long) {
        // JSON always carries the algorithm and cost; --long changes nothing.
        (ListFormat::Json, _) => ListStyle::Json,
        (ListFormat::Line, true) => ListStyle::Long,
        (ListFormat::Line, false) => ListStyle::Names,
    };
    List {
        path: input_path(args.file),
        style,
    }
}

fn hash(args: HashArgs) -> Result<Hash, Failure> {
    let reuse_given = args.reuse.reuse_from.is_some();
    let format = match args.format {
        HashFormat::Line => OutputFormat::Line,
        HashFormat::Hash => OutputFormat::Hash,
        HashFormat::Json => OutputFormat::Json,
        HashFormat::Compose => OutputFormat::Compose,
        HashFormat::K8sSecret => OutputFormat::K8sSecret(secret_spec(&args.secret)?),
    };
    if !matches!(args.format, HashFormat::K8sSecret) {
        refuse_secret_options(&args.secret, args.format, reuse_given)?;
    }
    let user = args.user.map(username).transpose()?;
    // Before the password is asked for: the name alone decides it.
    let unfit_user = |user: &Username, unfit| Error::UserUnfit {
        user: user.escaped(),
        unfit,
    };
    match (&user, &format) {
        (Some(user), OutputFormat::Compose) => {
            render::compose_user(user.as_bytes()).map_err(|unfit| unfit_user(user, unfit))?;
        }
        (Some(user), OutputFormat::K8sSecret(spec)) => {
            spec.reader()
                .rules()
                .check_user(user.as_bytes())
                .map_err(|unfit| unfit_user(user, unfit))?;
        }
        _ => {}
    }
    if user.is_none() && matches!(format, OutputFormat::K8sSecret(_)) {
        return Err(Failure::Usage(
            "--format k8s-secret holds a USER:HASH line, but no USER is given; name the user"
                .to_owned(),
        ));
    }
    let params = params(&args.algorithm)?;
    if let OutputFormat::K8sSecret(spec) = &format {
        spec.reader().rules().check_params(&params)?;
    }
    let reuse = reuse_from(&args.reuse, &args.secret)?;
    if let Some(reuse) = &reuse {
        if user.is_none() {
            return Err(Failure::Usage(
                "--reuse-from looks up the entry of USER, but no USER is given; name the user"
                    .to_owned(),
            ));
        }
        if args.password.generate.is_some() {
            return Err(Failure::Usage(
                "--generate makes a new password on every run, so nothing can be reused; leave out --reuse-from, or give the password".to_owned(),
            ));
        }
        if matches!(reuse.source, BatchSource::Stdin) && args.password.source.password_stdin {
            return Err(Failure::Usage(
                "--reuse-from - and --password-stdin both read standard input; give the password another way (--password-env, --password-file), or --reuse-from a file".to_owned(),
            ));
        }
    }
    Ok(Hash {
        user,
        params,
        source: new_password_source(args.password)?,
        format,
        reuse,
    })
}

/// FILE for a command that only reads it: `-` is standard input (cli.md,
/// "`-` is standard input"), so `... | base64 -d | htpass check -` works.
/// It is opened by the name the system gives standard input, so the
/// commands read it as any file (and a regular file behind `<` is read again
/// where `check` needs to); a file named `-` is `./-`.
fn input_path(file: PathBuf) -> PathBuf {
    if file.as_os_str() == "-" {
        PathBuf::from(STANDARD_INPUT)
    } else {
        file
    }
}

/// Standard input as a path (Linux, macOS and the BSDs have it; a Windows
/// port reads the handle instead).
const STANDARD_INPUT: &str = "/dev/stdin";

/// A user name to add, from the command line, as bytes (a Unix argument
/// need not be UTF-8).
fn username(user: OsString) -> Result<Username, Failure> {
    Ok(Username::new(user.into_encoded_bytes())?)
}

/// A user name to look up in the file (`verify`, `delete`): whatever an
/// entry holds can be named, so the rules for new names do not apply.
fn existing_username(user: OsString) -> Result<Username, Failure> {
    Ok(Username::existing(user.into_encoded_bytes())?)
}

fn output_format(format: EntryFormat) -> OutputFormat {
    match format {
        EntryFormat::Line => OutputFormat::Line,
        EntryFormat::Hash => OutputFormat::Hash,
        EntryFormat::Json => OutputFormat::Json,
    }
}

/// The hash parameters, refusing an option that the algorithm would ignore:
/// `-a sha256 -C 12` is a mistake worth a word, not a silent default.
fn params(args: &AlgorithmArgs) -> Result<Params, Failure> {
    let algorithm = match args.algorithm.unwrap_or(AlgorithmArg::Bcrypt) {
        AlgorithmArg::Bcrypt => Algorithm::Bcrypt,
        AlgorithmArg::Apr1 => Algorithm::Apr1,
        AlgorithmArg::Sha256 => Algorithm::Sha256,
        AlgorithmArg::Sha512 => Algorithm::Sha512,
        AlgorithmArg::Sha1 => Algorithm::Sha1,
        AlgorithmArg::Crypt => Algorithm::Crypt,
        AlgorithmArg::Plain => Algorithm::Plain,
        AlgorithmArg::Yescrypt => Algorithm::Yescrypt,
    };
    let is_bcrypt = algorithm == Algorithm::Bcrypt;
    let is_sha_crypt = matches!(algorithm, Algorithm::Sha256 | Algorithm::Sha512);
    if args.cost.is_some() && !is_bcrypt {
        return Err(not_for(algorithm, "--cost", "bcrypt"));
    }
    if args.bcrypt_variant.is_some() && !is_bcrypt {
        return Err(not_for(algorithm, "--bcrypt-variant", "bcrypt"));
    }
    if args.rounds.is_some() && !is_sha_crypt {
        return Err(not_for(algorithm, "--rounds", "sha256 and sha512"));
    }
    Ok(match algorithm {
        Algorithm::Bcrypt => Params::Bcrypt {
            variant: match args.bcrypt_variant {
                None | Some(BcryptVariantArg::TwoY) => BcryptVariant::TwoY,
                Some(BcryptVariantArg::TwoB) => BcryptVariant::TwoB,
                Some(BcryptVariantArg::TwoA) => BcryptVariant::TwoA,
            },
            cost: args.cost.unwrap_or(BcryptCost::DEFAULT),
        },
        Algorithm::Sha256 | Algorithm::Sha512 => Params::ShaCrypt {
            variant: if algorithm == Algorithm::Sha256 {
                ShaVariant::Sha256
            } else {
                ShaVariant::Sha512
            },
            // `-r 5000` is the default, written without `rounds=` as Apache does.
            rounds: args
                .rounds
                .filter(|rounds| rounds.get() != ShaRounds::DEFAULT),
        },
        other => Params::default_for(other),
    })
}

fn not_for(algorithm: Algorithm, option: &str, applies_to: &str) -> Failure {
    Failure::Usage(format!(
        "{option} applies only to {applies_to}, not to {algorithm}; leave it out, or choose the algorithm with -a"
    ))
}

fn given_new_source(args: &NewPasswordArgs) -> bool {
    let source = &args.source;
    args.generate.is_some()
        || source.password_stdin
        || source.password_env.is_some()
        || source.password_file.is_some()
        || source.password.is_some()
}

fn new_password_source(args: NewPasswordArgs) -> Result<NewPasswordSource, Failure> {
    match args.generate {
        Some(length) => Ok(NewPasswordSource::Generate {
            length: usize::from(length),
        }),
        None => password_source(args.source, Purpose::Set).map(NewPasswordSource::Given),
    }
}

/// The source named on the command line (clap lets through at most one), or
/// the prompt if somebody can answer it.
fn password_source(args: PasswordArgs, purpose: Purpose) -> Result<PasswordSource, Failure> {
    if args.password_stdin {
        Ok(PasswordSource::Stdin)
    } else if let Some(var) = args.password_env {
        Ok(PasswordSource::Env(var))
    } else if let Some(path) = args.password_file {
        Ok(PasswordSource::File(path))
    } else if let Some(password) = args.password {
        // `into_encoded_bytes` moves the argument's bytes into the Password.
        Ok(PasswordSource::Argument(without_line_ending(
            password.into_encoded_bytes(),
        )))
    } else {
        PasswordSource::prompt(purpose)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::Parser;

    use super::*;

    fn config(args: &[&str]) -> Result<Config, Failure> {
        let cli = Cli::try_parse_from(std::iter::once("htpass").chain(args.iter().copied()))
            .map_err(|error| Failure::Usage(error.to_string()))?;
        Config::from_cli(cli)
    }

    fn hash_params(args: &[&str]) -> Result<Params, Failure> {
        let mut full = vec!["hash", "-p", "x"];
        full.extend_from_slice(args);
        match config(&full)? {
            Config::Hash(hash) => Ok(hash.params),
            _ => unreachable!("a hash command"),
        }
    }

    #[test]
    fn defaults_are_bcrypt_2y_cost_10() {
        assert_eq!(
            hash_params(&[]).ok(),
            Some(Params::default_for(Algorithm::Bcrypt))
        );
    }

    #[test]
    fn rounds_5000_is_the_default_without_a_rounds_field() {
        assert_eq!(
            hash_params(&["-a", "sha256", "-r", "5000"]).ok(),
            Some(Params::default_for(Algorithm::Sha256))
        );
        assert_eq!(
            hash_params(&["-a", "sha512", "-r", "6000"]).ok(),
            Some(Params::ShaCrypt {
                variant: ShaVariant::Sha512,
                rounds: Some(ShaRounds::new(6000).unwrap()),
            })
        );
    }

    #[test]
    fn options_the_algorithm_ignores_are_refused() {
        for args in [
            &["-a", "sha256", "-C", "12"][..],
            &["-a", "apr1", "--bcrypt-variant", "2b"],
            &["-r", "6000"],
        ] {
            assert!(
                matches!(hash_params(args), Err(Failure::Usage(_))),
                "{args:?}"
            );
        }
    }

    #[test]
    fn delete_takes_each_user_once() {
        match config(&["delete", "f", "bob", "alice", "bob"]).ok() {
            Some(Config::Delete(delete)) => {
                let names: Vec<&[u8]> = delete.users.iter().map(Username::as_bytes).collect();
                assert_eq!(names, [&b"bob"[..], b"alice"]);
            }
            _ => panic!("a delete command"),
        }
    }

    fn sync_config(args: &[&str]) -> Result<Sync, Failure> {
        let mut full = vec!["sync"];
        full.extend_from_slice(args);
        match config(&full)? {
            Config::Sync(sync) => Ok(sync),
            _ => unreachable!("a sync command"),
        }
    }

    #[test]
    fn sync_modes_sources_and_unlisted_users() {
        let sync = sync_config(&["f", "--from", "-"]).ok().unwrap();
        assert_eq!(sync.mode, SyncMode::Apply);
        assert!(matches!(sync.source, BatchSource::Stdin));
        assert_eq!(sync.unlisted, UnlistedUsers::Remove);
        assert!(!sync.json && !sync.rehash);
        let sync = sync_config(&["f", "--from", "l", "--check", "--keep-unlisted"])
            .ok()
            .unwrap();
        assert_eq!(sync.mode, SyncMode::Check);
        assert!(matches!(sync.source, BatchSource::File(ref path) if path == Path::new("l")));
        assert_eq!(sync.unlisted, UnlistedUsers::Keep);
        let sync = sync_config(&["-", "--from", "l", "--dry-run", "--format", "json"])
            .ok()
            .unwrap();
        assert_eq!(sync.mode, SyncMode::DryRun);
        assert_eq!(sync.path, Path::new(STANDARD_INPUT));
        assert!(sync.json);
        for refused in [
            &["-", "--from", "l"][..],
            &["-", "--from", "-", "--check"],
            &["f", "--from", "l", "-a", "apr1", "-C", "5"],
            &["f", "--from", "l", "--check", "--dry-run"],
            &["f", "--from", "l", "--check", "--rehash"],
            &["f"],
        ] {
            assert!(
                matches!(sync_config(refused), Err(Failure::Usage(_))),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn group_commands_take_each_user_once_and_check_names_first() {
        match config(&["group", "add", "g", "pusher", "bob", "alice", "bob"]).ok() {
            Some(Config::Group(Group::Add { users, group, .. })) => {
                let names: Vec<&[u8]> = users.iter().map(Username::as_bytes).collect();
                assert_eq!(names, [&b"bob"[..], b"alice"]);
                assert_eq!(group.as_bytes(), b"pusher");
            }
            _ => panic!("a group add command"),
        }
        assert!(matches!(
            config(&["group", "add", "g", "two words", "bob"]),
            Err(Failure::Library(htpass::Error::GroupNameIllegal { .. }))
        ));
        assert!(matches!(
            config(&["group", "add", "g", "pusher", "\"quoted"]),
            Err(Failure::Library(htpass::Error::GroupMemberIllegal { .. }))
        ));
        // Removing takes any name a line can hold.
        assert!(config(&["group", "remove", "g", "pusher", "two words"]).is_ok());
        assert!(matches!(
            config(&["delete", "f", "bob", "--groups", "f"]),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn reuse_from_reads_the_data_key_secret_key_or_for_names() {
        let key = |extra: &[&str]| {
            let mut args = vec!["hash", "alice", "-p", "x", "--reuse-from", "last"];
            args.extend_from_slice(extra);
            match config(&args) {
                Ok(Config::Hash(hash)) => hash.reuse.map(|reuse| reuse.key),
                _ => panic!("a hash command: {extra:?}"),
            }
        };
        assert_eq!(key(&[]).as_deref(), Some("auth"));
        assert_eq!(key(&["--for", "openshift"]).as_deref(), Some("htpasswd"));
        assert_eq!(
            key(&["--for", "envoy-gateway"]).as_deref(),
            Some(".htpasswd")
        );
        assert_eq!(key(&["--secret-key", "k"]).as_deref(), Some("k"));
        // Without --reuse-from, --for is a k8s-secret option only.
        assert!(matches!(
            config(&["hash", "alice", "-p", "x", "--for", "traefik"]),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn export_takes_a_file_or_a_list_and_algorithm_options_only_for_a_list() {
        assert!(matches!(
            config(&["export", "f", "--format", "json"]),
            Ok(Config::Export(Export {
                input: ExportInput::File(_),
                ..
            }))
        ));
        assert!(matches!(
            config(&["export", "--from", "-", "--format", "json", "-a", "apr1"]),
            Ok(Config::Export(Export {
                input: ExportInput::List {
                    source: BatchSource::Stdin,
                    params: Params::Apr1,
                    reuse: None,
                },
                ..
            }))
        ));
        for args in [
            &["export", "f", "--format", "json", "-C", "12"][..],
            &["export", "f", "--format", "json", "--reuse-from", "x"],
            &["export", "f", "--from", "g", "--format", "json"],
        ] {
            assert!(config(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn a_bad_user_name_is_refused_before_anything_else() {
        assert!(matches!(
            config(&["hash", "a:b", "-p", "x"]),
            Err(Failure::Library(htpass::Error::UsernameIllegal { .. }))
        ));
    }
}
