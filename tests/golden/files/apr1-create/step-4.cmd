htpasswd
-b
-m
FILE
alice
alice-pw-2
