htpasswd
-b
-m
FILE
bob
bob-pw-1
