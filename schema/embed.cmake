# embed.cmake: turn a .sql file into a C array (script mode: -DIN=... -DOUT=... -DNAME=...).
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}" "/* generated from ${IN}; do not edit */\nstatic const char ${NAME}[] = {${body}0x00};\n")
