# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_htpass_global_optspecs
    string join \n h/help V/version
end

function __fish_htpass_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_htpass_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_htpass_using_subcommand
    set -l cmd (__fish_htpass_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c htpass -n "__fish_htpass_needs_command" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_needs_command" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "create" -d 'Create a new file (refused if it exists), optionally with its first user'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "add" -d 'Add a user, or change a user\'s password; creates FILE if missing'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "verify" -d 'Check a user\'s password: exit 0 if it matches, 3 if not, 6 if the user is missing'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "delete" -d 'Remove users from a file'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "list" -d 'List the users of a file, one a line'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "hash" -d 'Print a hash, or a USER:HASH line, without touching any file'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "check" -d 'Lint a file for the servers that will read it (exit 7 on an error)'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "export" -d 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "group" -d 'Manage Apache group files (AuthGroupFile, Require group)'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "sync" -d 'Make a file hold exactly the users of a list of user:password lines'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c htpass -n "__fish_htpass_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c htpass -n "__fish_htpass_using_subcommand create" -l format -d 'Also print the new entry on stdout' -r -f -a "line\t'USER:HASH (the hash alone without a user)'
hash\t'The hash alone'
json\t'One JSON object with user, hash, line (and password with --generate)'"
complete -c htpass -n "__fish_htpass_using_subcommand create" -s a -l algorithm -d 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]' -r -f -a "bcrypt\t''
apr1\t''
sha256\t''
sha512\t''
sha1\t''
crypt\t''
plain\t''
yescrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand create" -l bcrypt-variant -d 'The bcrypt prefix to write, for readers that insist on one [default: 2y]' -r -f -a "2y\t''
2b\t''
2a\t''"
complete -c htpass -n "__fish_htpass_using_subcommand create" -s C -l cost -d 'bcrypt cost, 4 to 31 [default: 10]' -r
complete -c htpass -n "__fish_htpass_using_subcommand create" -s r -l rounds -d 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]' -r
complete -c htpass -n "__fish_htpass_using_subcommand create" -l password-env -d 'Read the password from the environment variable VAR, less one trailing newline (\\n or \\r\\n), as from the other sources' -r
complete -c htpass -n "__fish_htpass_using_subcommand create" -l password-file -d 'Read the password from the first line of the file PATH, without its line ending' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand create" -s p -l password -d 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password' -r
complete -c htpass -n "__fish_htpass_using_subcommand create" -l generate -d 'Make up a random password of LEN letters and digits (default 24) and print it once' -r
complete -c htpass -n "__fish_htpass_using_subcommand create" -s f -l force -d 'Replace FILE if it exists'
complete -c htpass -n "__fish_htpass_using_subcommand create" -l password-stdin -d 'Read the password from the first line of standard input, without its line ending'
complete -c htpass -n "__fish_htpass_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand create" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand add" -l from -d 'With --batch: read the lines from PATH instead of standard input' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand add" -l format -d 'Also print the entry on stdout' -r -f -a "line\t'USER:HASH (the hash alone without a user)'
hash\t'The hash alone'
json\t'One JSON object with user, hash, line (and password with --generate)'"
complete -c htpass -n "__fish_htpass_using_subcommand add" -s a -l algorithm -d 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]' -r -f -a "bcrypt\t''
apr1\t''
sha256\t''
sha512\t''
sha1\t''
crypt\t''
plain\t''
yescrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand add" -l bcrypt-variant -d 'The bcrypt prefix to write, for readers that insist on one [default: 2y]' -r -f -a "2y\t''
2b\t''
2a\t''"
complete -c htpass -n "__fish_htpass_using_subcommand add" -s C -l cost -d 'bcrypt cost, 4 to 31 [default: 10]' -r
complete -c htpass -n "__fish_htpass_using_subcommand add" -s r -l rounds -d 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]' -r
complete -c htpass -n "__fish_htpass_using_subcommand add" -l password-env -d 'Read the password from the environment variable VAR, less one trailing newline (\\n or \\r\\n), as from the other sources' -r
complete -c htpass -n "__fish_htpass_using_subcommand add" -l password-file -d 'Read the password from the first line of the file PATH, without its line ending' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand add" -s p -l password -d 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password' -r
complete -c htpass -n "__fish_htpass_using_subcommand add" -l generate -d 'Make up a random password of LEN letters and digits (default 24) and print it once' -r
complete -c htpass -n "__fish_htpass_using_subcommand add" -l batch -d 'Add or update every user of `user:password` lines read from standard input (or --from), hashed in parallel, written once'
complete -c htpass -n "__fish_htpass_using_subcommand add" -l no-update -d 'Fail (exit 1) instead of changing the password of an existing user'
complete -c htpass -n "__fish_htpass_using_subcommand add" -l rehash -d 'Write a new hash even when the stored one already matches'
complete -c htpass -n "__fish_htpass_using_subcommand add" -l password-stdin -d 'Read the password from the first line of standard input, without its line ending'
complete -c htpass -n "__fish_htpass_using_subcommand add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand add" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand verify" -l password-env -d 'Read the password from the environment variable VAR, less one trailing newline (\\n or \\r\\n), as from the other sources' -r
complete -c htpass -n "__fish_htpass_using_subcommand verify" -l password-file -d 'Read the password from the first line of the file PATH, without its line ending' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand verify" -s p -l password -d 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password' -r
complete -c htpass -n "__fish_htpass_using_subcommand verify" -l allow-plain -d 'Accept a bare plain-text entry (Apache on Linux, nginx and the Docker registry do not)'
complete -c htpass -n "__fish_htpass_using_subcommand verify" -l password-stdin -d 'Read the password from the first line of standard input, without its line ending'
complete -c htpass -n "__fish_htpass_using_subcommand verify" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_using_subcommand verify" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand delete" -l groups -d 'Also take the users off every group of this group file (after FILE is changed)' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand delete" -l ignore-missing -d 'Delete the users that exist and only report the others (exit 0)'
complete -c htpass -n "__fish_htpass_using_subcommand delete" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_using_subcommand delete" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand list" -l format -d 'How to print the users' -r -f -a "line\t'One user a line, escaped for the terminal'
json\t'A JSON array of objects with user, algorithm and cost, exact (a user name that is not UTF-8 also comes as user_base64)'"
complete -c htpass -n "__fish_htpass_using_subcommand list" -s l -l long -d 'Add each entry\'s algorithm and cost (bcrypt cost, SHA rounds, yescrypt\'s N=2^12 r=32), tab-separated'
complete -c htpass -n "__fish_htpass_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand list" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l format -d 'What to print' -r -f -a "line\t'USER:HASH (the hash alone without a user)'
hash\t'The hash alone'
json\t'One JSON object with user, hash, line (and password with --generate)'
compose\t'USER:HASH for inside a double-quoted string of a docker-compose file (Traefik\'s basicauth.users label): `"` and `\\` escaped, every `$` doubled; a USER with \',\' is refused (exit 6)'
k8s-secret\t'A v1 Secret manifest holding the USER:HASH line, every value quoted, for `kubectl apply -f -`'"
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l reuse-from -d 'Keep a user\'s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret\'s data key' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l secret-name -d 'The Secret\'s name [default: basic-auth]' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l namespace -d 'The Secret\'s namespace [default: none, so kubectl\'s current one]' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l secret-key -d 'The data key that holds the file [default: auth, or as --for says]' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l for -d 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]' -r -f -a "ingress-nginx\t'ingress-nginx\'s auth-secret: Opaque, key `auth`'
traefik\t'Traefik\'s basicAuth secret: Opaque, key `users`'
envoy-gateway\t'Envoy Gateway\'s basicAuth secret: Opaque, key `.htpasswd`; {SHA} entries only'
nginx-ingress\t'F5 NGINX Ingress Controller: type nginx.org/htpasswd, key `htpasswd`'
nginx-gateway-fabric\t'NGINX Gateway Fabric\'s AuthenticationFilter: type nginx.org/htpasswd, key `auth`'
openshift\t'OpenShift\'s HTPasswd identity provider: Opaque, key `htpasswd`, namespace openshift-config; no user name with \'/\' or \'%\''"
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l label -d 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, \'-\', \'_\' and \'.\'' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l annotation -d 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s a -l algorithm -d 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]' -r -f -a "bcrypt\t''
apr1\t''
sha256\t''
sha512\t''
sha1\t''
crypt\t''
plain\t''
yescrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l bcrypt-variant -d 'The bcrypt prefix to write, for readers that insist on one [default: 2y]' -r -f -a "2y\t''
2b\t''
2a\t''"
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s C -l cost -d 'bcrypt cost, 4 to 31 [default: 10]' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s r -l rounds -d 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l password-env -d 'Read the password from the environment variable VAR, less one trailing newline (\\n or \\r\\n), as from the other sources' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l password-file -d 'Read the password from the first line of the file PATH, without its line ending' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s p -l password -d 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l generate -d 'Make up a random password of LEN letters and digits (default 24) and print it once' -r
complete -c htpass -n "__fish_htpass_using_subcommand hash" -l password-stdin -d 'Read the password from the first line of standard input, without its line ending'
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand hash" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand check" -l for -d 'Apply what these servers accept (repeat, or separate with commas)' -r -f -a "registry\t'The Docker registry (distribution, `auth: htpasswd`)'
nginx\t'nginx `auth_basic_user_file` (also ingress-nginx)'
apache\t'Apache httpd mod_authn_file'
traefik\t'Traefik basicAuth'
envoy\t'Envoy basic_auth (also Envoy Gateway)'
nginx-ingress\t'The F5 NGINX Ingress Controller (reads as nginx does)'
nginx-gateway-fabric\t'NGINX Gateway Fabric (reads as nginx does)'
openshift\t'OpenShift\'s HTPasswd identity provider (bcrypt as $2y$ or $2a$, apr1, {SHA}; no user name with \'/\' or \'%\')'
caddy\t'Caddy, through export --format caddyfile or caddy-json (bcrypt only, no user twice)'"
complete -c htpass -n "__fish_htpass_using_subcommand check" -l require -d 'Fail on any entry not of this algorithm' -r -f -a "bcrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand check" -l min-cost -d 'Warn about bcrypt entries below this cost' -r
complete -c htpass -n "__fish_htpass_using_subcommand check" -l format -d 'How to print the findings' -r -f -a "line\t'FILE:LINE: SEVERITY: reason, one a line'
json\t'One JSON object with the findings and a summary'"
complete -c htpass -n "__fish_htpass_using_subcommand check" -l groups -d 'Also check this Apache group file: each member must have an entry in FILE, each line must read in Apache as it looks (errors)' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand check" -l strict -d 'Fail (exit 7) on warnings too'
complete -c htpass -n "__fish_htpass_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand check" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand export" -l format -d 'What to render' -r -f -a "k8s-secret\t'A v1 Secret manifest holding the file, every value quoted, for `kubectl apply -f -`'
compose\t'The entries as USER:HASH joined by commas, for inside a double-quoted string of a docker-compose file (Traefik\'s basicauth.users label): `"` and `\\` escaped, every `$` doubled; an entry with \',\' is refused with its line number (exit 7)'
json\t'A JSON array of objects with line_number, user, hash, algorithm, cost'
caddyfile\t'A Caddyfile basic_auth block of USER HASH lines (Caddy 2.6+ takes the raw bcrypt hash; before 2.8 the directive is named basicauth); bcrypt entries only'
caddy-json\t'The JSON list of accounts of Caddy\'s http_basic authentication; bcrypt entries only'"
complete -c htpass -n "__fish_htpass_using_subcommand export" -l from -d 'Render the users of user:password lines read from USERS (- for standard input) instead of a file, hashed as add would hash them' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand export" -l reuse-from -d 'Keep a user\'s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret\'s data key' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand export" -s a -l algorithm -d 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]' -r -f -a "bcrypt\t''
apr1\t''
sha256\t''
sha512\t''
sha1\t''
crypt\t''
plain\t''
yescrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand export" -l bcrypt-variant -d 'The bcrypt prefix to write, for readers that insist on one [default: 2y]' -r -f -a "2y\t''
2b\t''
2a\t''"
complete -c htpass -n "__fish_htpass_using_subcommand export" -s C -l cost -d 'bcrypt cost, 4 to 31 [default: 10]' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -s r -l rounds -d 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -l secret-name -d 'The Secret\'s name [default: basic-auth]' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -l namespace -d 'The Secret\'s namespace [default: none, so kubectl\'s current one]' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -l secret-key -d 'The data key that holds the file [default: auth, or as --for says]' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -l for -d 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]' -r -f -a "ingress-nginx\t'ingress-nginx\'s auth-secret: Opaque, key `auth`'
traefik\t'Traefik\'s basicAuth secret: Opaque, key `users`'
envoy-gateway\t'Envoy Gateway\'s basicAuth secret: Opaque, key `.htpasswd`; {SHA} entries only'
nginx-ingress\t'F5 NGINX Ingress Controller: type nginx.org/htpasswd, key `htpasswd`'
nginx-gateway-fabric\t'NGINX Gateway Fabric\'s AuthenticationFilter: type nginx.org/htpasswd, key `auth`'
openshift\t'OpenShift\'s HTPasswd identity provider: Opaque, key `htpasswd`, namespace openshift-config; no user name with \'/\' or \'%\''"
complete -c htpass -n "__fish_htpass_using_subcommand export" -l label -d 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, \'-\', \'_\' and \'.\'' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -l annotation -d 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text' -r
complete -c htpass -n "__fish_htpass_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand export" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -f -a "add" -d 'Add users to a group; creates the group, and GROUPFILE, if missing'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -f -a "remove" -d 'Take users off a group (a user not in it changes nothing)'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -f -a "delete" -d 'Delete a group: every line of it'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -f -a "list" -d 'List the groups, or the members of GROUP, one a line'
complete -c htpass -n "__fish_htpass_using_subcommand group; and not __fish_seen_subcommand_from add remove delete list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from list" -l format -d 'How to print them' -r -f -a "line\t'One name a line, escaped for the terminal'
json\t'A JSON array of the groups (only GROUP, if given): objects with group, lines and members, exact'"
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add users to a group; creates the group, and GROUPFILE, if missing'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Take users off a group (a user not in it changes nothing)'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a group: every line of it'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the groups, or the members of GROUP, one a line'
complete -c htpass -n "__fish_htpass_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l from -d 'The user:password lines: a file, or - for standard input' -r -F
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l format -d 'How to report: lines on stderr, and with json also one object on stdout' -r -f -a "line\t'One line per changed user and a count of unchanged ones, on stderr'
json\t'Those lines, and one JSON object on stdout with the lists added, updated, removed and unchanged'"
complete -c htpass -n "__fish_htpass_using_subcommand sync" -s a -l algorithm -d 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]' -r -f -a "bcrypt\t''
apr1\t''
sha256\t''
sha512\t''
sha1\t''
crypt\t''
plain\t''
yescrypt\t''"
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l bcrypt-variant -d 'The bcrypt prefix to write, for readers that insist on one [default: 2y]' -r -f -a "2y\t''
2b\t''
2a\t''"
complete -c htpass -n "__fish_htpass_using_subcommand sync" -s C -l cost -d 'bcrypt cost, 4 to 31 [default: 10]' -r
complete -c htpass -n "__fish_htpass_using_subcommand sync" -s r -l rounds -d 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]' -r
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l keep-unlisted -d 'Keep the users of FILE that are not listed, instead of removing them'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l dry-run -d 'Change nothing; report what would be done'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l check -d 'Change nothing; exit 8 if FILE is not in the declared state, 0 if it is'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -l rehash -d 'Give every listed user a new hash, even where the stored one matches'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand sync" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c htpass -n "__fish_htpass_using_subcommand completions" -s V -l version -d 'Print version'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "create" -d 'Create a new file (refused if it exists), optionally with its first user'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "add" -d 'Add a user, or change a user\'s password; creates FILE if missing'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "verify" -d 'Check a user\'s password: exit 0 if it matches, 3 if not, 6 if the user is missing'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "delete" -d 'Remove users from a file'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "list" -d 'List the users of a file, one a line'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "hash" -d 'Print a hash, or a USER:HASH line, without touching any file'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "check" -d 'Lint a file for the servers that will read it (exit 7 on an error)'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "export" -d 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "group" -d 'Manage Apache group files (AuthGroupFile, Require group)'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "sync" -d 'Make a file hold exactly the users of a list of user:password lines'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c htpass -n "__fish_htpass_using_subcommand help; and not __fish_seen_subcommand_from create add verify delete list hash check export group sync completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c htpass -n "__fish_htpass_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add" -d 'Add users to a group; creates the group, and GROUPFILE, if missing'
complete -c htpass -n "__fish_htpass_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove" -d 'Take users off a group (a user not in it changes nothing)'
complete -c htpass -n "__fish_htpass_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Delete a group: every line of it'
complete -c htpass -n "__fish_htpass_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'List the groups, or the members of GROUP, one a line'
