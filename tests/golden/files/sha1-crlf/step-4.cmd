htpasswd
-D
FILE
carol
