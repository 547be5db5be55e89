
use builtin;
use str;

set edit:completion:arg-completer[htpass] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'htpass'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'htpass'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a new file (refused if it exists), optionally with its first user'
            cand add 'Add a user, or change a user''s password; creates FILE if missing'
            cand verify 'Check a user''s password: exit 0 if it matches, 3 if not, 6 if the user is missing'
            cand delete 'Remove users from a file'
            cand list 'List the users of a file, one a line'
            cand hash 'Print a hash, or a USER:HASH line, without touching any file'
            cand check 'Lint a file for the servers that will read it (exit 7 on an error)'
            cand export 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON'
            cand group 'Manage Apache group files (AuthGroupFile, Require group)'
            cand sync 'Make a file hold exactly the users of a list of user:password lines'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'htpass;create'= {
            cand --format 'Also print the new entry on stdout'
            cand -a 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --algorithm 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --bcrypt-variant 'The bcrypt prefix to write, for readers that insist on one [default: 2y]'
            cand -C 'bcrypt cost, 4 to 31 [default: 10]'
            cand --cost 'bcrypt cost, 4 to 31 [default: 10]'
            cand -r 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --rounds 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --password-env 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources'
            cand --password-file 'Read the password from the first line of the file PATH, without its line ending'
            cand -p 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --password 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --generate 'Make up a random password of LEN letters and digits (default 24) and print it once'
            cand -f 'Replace FILE if it exists'
            cand --force 'Replace FILE if it exists'
            cand --password-stdin 'Read the password from the first line of standard input, without its line ending'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;add'= {
            cand --from 'With --batch: read the lines from PATH instead of standard input'
            cand --format 'Also print the entry on stdout'
            cand -a 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --algorithm 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --bcrypt-variant 'The bcrypt prefix to write, for readers that insist on one [default: 2y]'
            cand -C 'bcrypt cost, 4 to 31 [default: 10]'
            cand --cost 'bcrypt cost, 4 to 31 [default: 10]'
            cand -r 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --rounds 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --password-env 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources'
            cand --password-file 'Read the password from the first line of the file PATH, without its line ending'
            cand -p 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --password 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --generate 'Make up a random password of LEN letters and digits (default 24) and print it once'
            cand --batch 'Add or update every user of `user:password` lines read from standard input (or --from), hashed in parallel, written once'
            cand --no-update 'Fail (exit 1) instead of changing the password of an existing user'
            cand --rehash 'Write a new hash even when the stored one already matches'
            cand --password-stdin 'Read the password from the first line of standard input, without its line ending'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;verify'= {
            cand --password-env 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources'
            cand --password-file 'Read the password from the first line of the file PATH, without its line ending'
            cand -p 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --password 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --allow-plain 'Accept a bare plain-text entry (Apache on Linux, nginx and the Docker registry do not)'
            cand --password-stdin 'Read the password from the first line of standard input, without its line ending'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;delete'= {
            cand --groups 'Also take the users off every group of this group file (after FILE is changed)'
            cand --ignore-missing 'Delete the users that exist and only report the others (exit 0)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;list'= {
            cand --format 'How to print the users'
            cand -l 'Add each entry''s algorithm and cost (bcrypt cost, SHA rounds, yescrypt''s N=2^12 r=32), tab-separated'
            cand --long 'Add each entry''s algorithm and cost (bcrypt cost, SHA rounds, yescrypt''s N=2^12 r=32), tab-separated'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;hash'= {
            cand --format 'What to print'
            cand --reuse-from 'Keep a user''s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret''s data key'
            cand --secret-name 'The Secret''s name [default: basic-auth]'
            cand --namespace 'The Secret''s namespace [default: none, so kubectl''s current one]'
            cand --secret-key 'The data key that holds the file [default: auth, or as --for says]'
            cand --for 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]'
            cand --label 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, ''-'', ''_'' and ''.'''
            cand --annotation 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text'
            cand -a 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --algorithm 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --bcrypt-variant 'The bcrypt prefix to write, for readers that insist on one [default: 2y]'
            cand -C 'bcrypt cost, 4 to 31 [default: 10]'
            cand --cost 'bcrypt cost, 4 to 31 [default: 10]'
            cand -r 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --rounds 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --password-env 'Read the password from the environment variable VAR, less one trailing newline (\n or \r\n), as from the other sources'
            cand --password-file 'Read the password from the first line of the file PATH, without its line ending'
            cand -p 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --password 'The password itself, less one trailing newline (other users can see it in `ps`; prefer the options above). A VALUE that is an option name is refused: write --password=VALUE if it is the password'
            cand --generate 'Make up a random password of LEN letters and digits (default 24) and print it once'
            cand --password-stdin 'Read the password from the first line of standard input, without its line ending'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;check'= {
            cand --for 'Apply what these servers accept (repeat, or separate with commas)'
            cand --require 'Fail on any entry not of this algorithm'
            cand --min-cost 'Warn about bcrypt entries below this cost'
            cand --format 'How to print the findings'
            cand --groups 'Also check this Apache group file: each member must have an entry in FILE, each line must read in Apache as it looks (errors)'
            cand --strict 'Fail (exit 7) on warnings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;export'= {
            cand --format 'What to render'
            cand --from 'Render the users of user:password lines read from USERS (- for standard input) instead of a file, hashed as add would hash them'
            cand --reuse-from 'Keep a user''s entry from LAST (an htpasswd file, or a Secret as `kubectl get secret NAME -o yaml|json` prints it; - for standard input) where the password still verifies with the same algorithm and parameters, so the output does not change. A missing or empty LAST reuses nothing. --secret-key or --for names the Secret''s data key'
            cand -a 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --algorithm 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --bcrypt-variant 'The bcrypt prefix to write, for readers that insist on one [default: 2y]'
            cand -C 'bcrypt cost, 4 to 31 [default: 10]'
            cand --cost 'bcrypt cost, 4 to 31 [default: 10]'
            cand -r 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --rounds 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --secret-name 'The Secret''s name [default: basic-auth]'
            cand --namespace 'The Secret''s namespace [default: none, so kubectl''s current one]'
            cand --secret-key 'The data key that holds the file [default: auth, or as --for says]'
            cand --for 'Who reads the Secret, which decides its type, key and what it refuses [default: ingress-nginx]'
            cand --label 'Add a label (repeat for more; for a KEY given twice the last VALUE wins, as with kubectl label). KEY is NAME or PREFIX/NAME, VALUE is empty or up to 63 letters, digits, ''-'', ''_'' and ''.'''
            cand --annotation 'Add an annotation (repeat for more; the last VALUE of a KEY wins). VALUE may be any text'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;group'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add users to a group; creates the group, and GROUPFILE, if missing'
            cand remove 'Take users off a group (a user not in it changes nothing)'
            cand delete 'Delete a group: every line of it'
            cand list 'List the groups, or the members of GROUP, one a line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'htpass;group;add'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;group;remove'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;group;delete'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;group;list'= {
            cand --format 'How to print them'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;group;help'= {
            cand add 'Add users to a group; creates the group, and GROUPFILE, if missing'
            cand remove 'Take users off a group (a user not in it changes nothing)'
            cand delete 'Delete a group: every line of it'
            cand list 'List the groups, or the members of GROUP, one a line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'htpass;group;help;add'= {
        }
        &'htpass;group;help;remove'= {
        }
        &'htpass;group;help;delete'= {
        }
        &'htpass;group;help;list'= {
        }
        &'htpass;group;help;help'= {
        }
        &'htpass;sync'= {
            cand --from 'The user:password lines: a file, or - for standard input'
            cand --format 'How to report: lines on stderr, and with json also one object on stdout'
            cand -a 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --algorithm 'The hash algorithm (sha1, crypt and plain are insecure) [default: bcrypt]'
            cand --bcrypt-variant 'The bcrypt prefix to write, for readers that insist on one [default: 2y]'
            cand -C 'bcrypt cost, 4 to 31 [default: 10]'
            cand --cost 'bcrypt cost, 4 to 31 [default: 10]'
            cand -r 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --rounds 'sha256/sha512 rounds, 1000 to 999999999 [default: 5000]'
            cand --keep-unlisted 'Keep the users of FILE that are not listed, instead of removing them'
            cand --dry-run 'Change nothing; report what would be done'
            cand --check 'Change nothing; exit 8 if FILE is not in the declared state, 0 if it is'
            cand --rehash 'Give every listed user a new hash, even where the stored one matches'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;completions'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'htpass;help'= {
            cand create 'Create a new file (refused if it exists), optionally with its first user'
            cand add 'Add a user, or change a user''s password; creates FILE if missing'
            cand verify 'Check a user''s password: exit 0 if it matches, 3 if not, 6 if the user is missing'
            cand delete 'Remove users from a file'
            cand list 'List the users of a file, one a line'
            cand hash 'Print a hash, or a USER:HASH line, without touching any file'
            cand check 'Lint a file for the servers that will read it (exit 7 on an error)'
            cand export 'Render a whole file, or a user:password list, for where it goes: a Kubernetes Secret, a compose label, Caddy, JSON'
            cand group 'Manage Apache group files (AuthGroupFile, Require group)'
            cand sync 'Make a file hold exactly the users of a list of user:password lines'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'htpass;help;create'= {
        }
        &'htpass;help;add'= {
        }
        &'htpass;help;verify'= {
        }
        &'htpass;help;delete'= {
        }
        &'htpass;help;list'= {
        }
        &'htpass;help;hash'= {
        }
        &'htpass;help;check'= {
        }
        &'htpass;help;export'= {
        }
        &'htpass;help;group'= {
            cand add 'Add users to a group; creates the group, and GROUPFILE, if missing'
            cand remove 'Take users off a group (a user not in it changes nothing)'
            cand delete 'Delete a group: every line of it'
            cand list 'List the groups, or the members of GROUP, one a line'
        }
        &'htpass;help;group;add'= {
        }
        &'htpass;help;group;remove'= {
        }
        &'htpass;help;group;delete'= {
        }
        &'htpass;help;group;list'= {
        }
        &'htpass;help;sync'= {
        }
        &'htpass;help;completions'= {
        }
        &'htpass;help;help'= {
        }
    ]
    $completions[$command]
}
