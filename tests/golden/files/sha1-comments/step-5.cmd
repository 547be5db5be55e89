htpasswd
-D
FILE
dave
