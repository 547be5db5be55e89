htpasswd
-D
FILE
nobody
