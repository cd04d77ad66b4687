# serve-port.sh - sourced by scripts that start kofts-serve on 127.0.0.1:0 (a free port
# chosen by the kernel): serve_port LOG waits up to 10 s for the "listening ... on
# http://127.0.0.1:PORT/" line kofts-serve writes to stderr (LOG) and prints PORT;
# exit status 1 when it never comes. Used by tests/serve/test_browser.sh and
# bench/serve-load.sh.
# Empty LOG before starting the server (`: > LOG`): `kofts-serve ... 2>LOG &` truncates
# it only when the forked shell gets to run, and until then LOG still holds the line of
# an earlier run, whose port serve_port would print (under load the browser test then
# got ERR_CONNECTION_REFUSED from a port nobody listened on).
serve_port() {
    _sp_i=0
    while [ "$_sp_i" -lt 100 ]; do
        _sp_port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$1")
        if [ -n "$_sp_port" ]; then
            echo "$_sp_port"
            return 0
        fi
        sleep 0.1
        _sp_i=$((_sp_i + 1))
    done
    return 1
}
