htpasswd
-c
-b
-s
FILE
alice
alice-pw-1
