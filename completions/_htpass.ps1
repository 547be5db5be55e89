
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'htpass' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'htpass'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'htpass' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new file (refused if it exists), optionally with its first user')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user, or change a user''s password; creates FILE if missing')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a user''s password: exit 0 if it matches, 3 if not, 6 if the user is missing')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove users from a file')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users of a file, one a line')
            [CompletionResult]::new('hash', 'hash', [CompletionResultType]::ParameterValue, 'Print a hash, or a USER:HASH line, without touching any file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Lint a file for the servers that will read it (exit 7 on an error)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage Apache group files (AuthGroupFile, Require group)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make a file hold exactly the users of a list of user:password lines')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'htpass;create' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Also print the new entry on stdout')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--bcrypt-variant', '--bcrypt-variant', [CompletionResultType]::ParameterName, 'The bcrypt prefix to write, for readers that insist on one [default: 2y]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of the file PATH, without its line ending')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Make up a random password of LEN letters and digits (default 24) and print it once')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input, without its line ending')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;add' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'With --batch: read the lines from PATH instead of standard input')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Also print the entry on stdout')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--bcrypt-variant', '--bcrypt-variant', [CompletionResultType]::ParameterName, 'The bcrypt prefix to write, for readers that insist on one [default: 2y]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of the file PATH, without its line ending')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Make up a random password of LEN letters and digits (default 24) and print it once')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Add or update every user of `user:password` lines read from standard input (or --from), hashed in parallel, written once')
            [CompletionResult]::new('--no-update', '--no-update', [CompletionResultType]::ParameterName, 'Fail (exit 1) instead of changing the password of an existing user')
            [CompletionResult]::new('--rehash', '--rehash', [CompletionResultType]::ParameterName, 'Write a new hash even when the stored one already matches')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input, without its line ending')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;verify' {
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of the file PATH, without its line ending')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--allow-plain', '--allow-plain', [CompletionResultType]::ParameterName, 'Accept a bare plain-text entry (Apache on Linux, nginx and the Docker registry do not)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input, without its line ending')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;delete' {
            [CompletionResult]::new('--groups', '--groups', [CompletionResultType]::ParameterName, 'Also take the users off every group of this group file (after FILE is changed)')
            [CompletionResult]::new('--ignore-missing', '--ignore-missing', [CompletionResultType]::ParameterName, 'Delete the users that exist and only report the others (exit 0)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print the users')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Add each entry''s algorithm and cost (bcrypt cost, SHA rounds, yescrypt''s N=2^12 r=32), tab-separated')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'Add each entry''s algorithm and cost (bcrypt cost, SHA rounds, yescrypt''s N=2^12 r=32), tab-separated')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;hash' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--reuse-from', '--reuse-from', [CompletionResultType]::ParameterName, 'Keep a user''s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret''s data key')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'The Secret''s name [default: basic-auth]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The Secret''s namespace [default: none, so kubectl''s current one]')
            [CompletionResult]::new('--secret-key', '--secret-key', [CompletionResultType]::ParameterName, 'The data key that holds the file [default: auth, or as --for says]')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, ''-'', ''_'' and ''.''')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--bcrypt-variant', '--bcrypt-variant', [CompletionResultType]::ParameterName, 'The bcrypt prefix to write, for readers that insist on one [default: 2y]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of the file PATH, without its line ending')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Make up a random password of LEN letters and digits (default 24) and print it once')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input, without its line ending')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;check' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Apply what these servers accept (repeat, or separate with commas)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Fail on any entry not of this algorithm')
            [CompletionResult]::new('--min-cost', '--min-cost', [CompletionResultType]::ParameterName, 'Warn about bcrypt entries below this cost')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print the findings')
            [CompletionResult]::new('--groups', '--groups', [CompletionResultType]::ParameterName, 'Also check this Apache group file: each member must have an entry in FILE, each line must read in Apache as it looks (errors)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 7) on warnings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to render')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Render the users of user:password lines read from USERS (- for standard input) instead of a file, hashed as add would hash them')
            [CompletionResult]::new('--reuse-from', '--reuse-from', [CompletionResultType]::ParameterName, 'Keep a user''s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret''s data key')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--bcrypt-variant', '--bcrypt-variant', [CompletionResultType]::ParameterName, 'The bcrypt prefix to write, for readers that insist on one [default: 2y]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'The Secret''s name [default: basic-auth]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The Secret''s namespace [default: none, so kubectl''s current one]')
            [CompletionResult]::new('--secret-key', '--secret-key', [CompletionResultType]::ParameterName, 'The data key that holds the file [default: auth, or as --for says]')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, ''-'', ''_'' and ''.''')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;group' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users to a group; creates the group, and GROUPFILE, if missing')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take users off a group (a user not in it changes nothing)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group: every line of it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the groups, or the members of GROUP, one a line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'htpass;group;add' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;group;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;group;delete' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;group;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;group;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users to a group; creates the group, and GROUPFILE, if missing')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take users off a group (a user not in it changes nothing)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group: every line of it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the groups, or the members of GROUP, one a line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'htpass;group;help;add' {
            break
        }
        'htpass;group;help;remove' {
            break
        }
        'htpass;group;help;delete' {
            break
        }
        'htpass;group;help;list' {
            break
        }
        'htpass;group;help;help' {
            break
        }
        'htpass;sync' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The user:password lines: a file, or - for standard input')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to report: lines on stderr, and with json also one object on stdout')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]')
            [CompletionResult]::new('--bcrypt-variant', '--bcrypt-variant', [CompletionResultType]::ParameterName, 'The bcrypt prefix to write, for readers that insist on one [default: 2y]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost, 4 to 31 [default: 10]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--rounds', '--rounds', [CompletionResultType]::ParameterName, 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]')
            [CompletionResult]::new('--keep-unlisted', '--keep-unlisted', [CompletionResultType]::ParameterName, 'Keep the users of FILE that are not listed, instead of removing them')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Change nothing; report what would be done')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Change nothing; exit 8 if FILE is not in the declared state, 0 if it is')
            [CompletionResult]::new('--rehash', '--rehash', [CompletionResultType]::ParameterName, 'Give every listed user a new hash, even where the stored one matches')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'htpass;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a new file (refused if it exists), optionally with its first user')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user, or change a user''s password; creates FILE if missing')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a user''s password: exit 0 if it matches, 3 if not, 6 if the user is missing')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove users from a file')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users of a file, one a line')
            [CompletionResult]::new('hash', 'hash', [CompletionResultType]::ParameterValue, 'Print a hash, or a USER:HASH line, without touching any file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Lint a file for the servers that will read it (exit 7 on an error)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage Apache group files (AuthGroupFile, Require group)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make a file hold exactly the users of a list of user:password lines')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'htpass;help;create' {
            break
        }
        'htpass;help;add' {
            break
        }
        'htpass;help;verify' {
            break
        }
        'htpass;help;delete' {
            break
        }
        'htpass;help;list' {
            break
        }
        'htpass;help;hash' {
            break
        }
        'htpass;help;check' {
            break
        }
        'htpass;help;export' {
            break
        }
        'htpass;help;group' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add users to a group; creates the group, and GROUPFILE, if missing')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take users off a group (a user not in it changes nothing)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group: every line of it')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the groups, or the members of GROUP, one a line')
            break
        }
        'htpass;help;group;add' {
            break
        }
        'htpass;help;group;remove' {
            break
        }
        'htpass;help;group;delete' {
            break
        }
        'htpass;help;group;list' {
            break
        }
        'htpass;help;sync' {
            break
        }
        'htpass;help;completions' {
            break
        }
        'htpass;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
