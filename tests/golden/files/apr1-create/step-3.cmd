htpasswd
-b
-m
FILE
carol
carol-pw-1
