htpasswd
-b
-s
FILE
carol
carol-pw-1
