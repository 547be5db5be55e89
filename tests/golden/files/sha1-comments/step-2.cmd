htpasswd
-b
-s
FILE
dave
dave-pw-1
