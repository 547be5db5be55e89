htpasswd
-c
-b
-m
FILE
alice
alice-pw-1
