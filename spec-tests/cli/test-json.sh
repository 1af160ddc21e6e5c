# --json: the object of the DESIGN.md contract, as rendered by the library.
. "$(dirname "$0")/lib.sh"

vu --json 'mongodb://alice:pw@db1.example.com:27018,127.0.0.1,[::1]:27019/shop?replicaSet=rs0&maxPoolSize=5&retryWrites=false&compressors=zlib,snappy&w=majority&readPreference=secondary&readPreferenceTags=dc:ny,rack:1&readPreferenceTags='
expect_rc 0 "valid URI"
for key in valid uri scheme hosts auth options tls warnings error; do
    expect_eq "top-level key $key present" "$(jt ".$key" >/dev/null && echo yes)" yes
done
expect_eq "valid" "$(j .valid)" true
expect_eq "scheme" "$(j .scheme)" mongodb
expect_eq "error is null" "$(j .error)" null
expect_eq "uri is redacted" "$(j .uri)" 'mongodb://alice:****@db1.example.com:27018,127.0.0.1,[::1]:27019/shop?replicaSet=rs0&maxPoolSize=5&retryWrites=false&compressors=zlib,snappy&w=majority&readPreference=secondary&readPreferenceTags=dc:ny,rack:1&readPreferenceTags='
expect_eq "3 hosts" "$(jn .hosts)" 3
expect_eq "host 0 name" "$(j '.hosts[0].host')" db1.example.com
expect_eq "host 0 port" "$(j '.hosts[0].port')" 27018
expect_eq "host 0 type" "$(j '.hosts[0].type')" hostname
expect_eq "host 1 type" "$(j '.hosts[1].type')" ipv4
expect_eq "host 2 host (no brackets)" "$(j '.hosts[2].host')" ::1
expect_eq "host 2 type" "$(j '.hosts[2].type')" ip_literal
expect_eq "auth.username" "$(j .auth.username)" alice
expect_eq "auth.password hidden" "$(j .auth.password)" '****'
expect_eq "auth.db" "$(j .auth.db)" shop
expect_eq "options.replicaSet string" "$(j .options.replicaSet)" rs0
expect_eq "options.maxPoolSize number" "$(jt .options.maxPoolSize):$(j .options.maxPoolSize)" number:5
expect_eq "options.retryWrites bool" "$(jt .options.retryWrites):$(j .options.retryWrites)" bool:false
expect_eq "options.compressors array" "$(j .options.compressors)" '["zlib","snappy"]'
expect_eq "options.w string" "$(j .options.w)" majority
expect_eq "options.readPreferenceTags" "$(j .options.readPreferenceTags)" '[{"dc":"ny","rack":"1"},{}]'
for f in enabled caFile certificateKeyFile certificateKeyFilePassword crlFile verifyCertificates verifyHostnames revocation source; do
    expect_eq "tls.$f present" "$(jt ".tls.$f" >/dev/null && echo yes)" yes
done
expect_eq "tls.enabled" "$(j .tls.enabled)" false
expect_eq "tls.source.enabled" "$(j .tls.source.enabled)" default
expect_eq "warnings empty" "$(jn .warnings)" 0

vu --json 'mongodb://localhost/?w=2'
expect_eq "numeric w is a number" "$(jt .options.w):$(j .options.w)" number:2

# Warnings: code, option, offset, message.
vu --json 'mongodb://localhost/?maxPoolSize=abc'
expect_rc 0 "invalid value is a warning"
expect_eq "one warning" "$(jn .warnings)" 1
expect_eq "warning code" "$(j '.warnings[0].code')" invalid-value
expect_eq "warning option" "$(j '.warnings[0].option')" maxPoolSize
expect_eq "warning offset at the pair or its value" "$(j '.warnings[0].offset' | grep -cE '^(21|33)$')" 1
expect_eq "warning message is a string" "$(jt '.warnings[0].message')" string
expect_eq "warned option dropped" "$(jt .options.maxPoolSize)" ""

# Error: same shape, valid false.
vu --json 'mongodb://localhost:70000/'
expect_rc 1 "bad port"
expect_eq "valid false" "$(j .valid)" false
expect_eq "error.code" "$(j .error.code)" bad-port
expect_eq "error.offset points into the port" "$(j .error.offset | grep -cE '^(19|20)$')" 1
expect_eq "error.message string" "$(jt .error.message)" string
expect_eq "error.option present" "$(jt .error.option >/dev/null && echo yes)" yes
expect_eq "uri still given" "$(j .uri)" 'mongodb://localhost:70000/'

# mongodb+srv: TLS implied.
vu --json 'mongodb+srv://cluster0.example.com/'
expect_eq "srv scheme" "$(j .scheme)" mongodb+srv
expect_eq "srv: tls on" "$(j .tls.enabled)" true
expect_eq "srv: tls implied" "$(j .tls.source.enabled)" implied

# Extra keys of the extra checks appear only when asked for.
vu --json 'mongodb://localhost/'
expect_eq "no resolution key by default" "$(jt .resolution)" ""
expect_eq "no files key by default" "$(jt .files)" ""
expect_eq "no connections key by default" "$(jt .connections)" ""
vu --json --resolve 'mongodb://localhost/'
expect_eq "resolution on mongodb://: not performed" "$(j .resolution.performed)" false
expect_eq "resolution on mongodb://: ok" "$(j .resolution.ok)" true
vu --json --check-files 'mongodb://localhost/'
expect_rc 0 "--check-files with no file named"
expect_eq "files.ok" "$(j .files.ok)" true
expect_eq "files.checked empty" "$(jn .files.checked)" 0
expect_eq "files.error null" "$(j .files.error)" null

finish
