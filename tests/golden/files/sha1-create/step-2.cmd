htpasswd
-b
-s
FILE
bob
bob-pw-1
