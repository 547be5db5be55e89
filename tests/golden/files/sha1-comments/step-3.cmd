htpasswd
-D
FILE
alice
