htpasswd
-b
-s
FILE
alice
alice-pw-2
