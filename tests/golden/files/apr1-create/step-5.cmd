htpasswd
-D
FILE
bob
