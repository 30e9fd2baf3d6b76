#!/usr/bin/env bash
# afcgid's options, as its own parser lists them (`afcgid --help`), against what is installed
# beside it: the bash completion must offer every option and no other, must not offer options
# where a value is expected, and the man page must describe every option.
#   check_options.sh AFCGID COMPLETION_FILE MAN_PAGE
set -euo pipefail
afcgid="$1" completion="$2" manpage="$3"

# "  -l, --listen <ADDR>   Listen on ..." -> -l --listen; those with <...> take a value.
help="$("$afcgid" --help)"
options=() valued=()
while IFS= read -r line; do
    [[ $line =~ ^\ \ (-[A-Za-z0-9],\ )?(--[a-z0-9-]+)(\ \<[^>]*\>)? ]] || continue
    short="${BASH_REMATCH[1]%, }" long="${BASH_REMATCH[2]}"
    for o in $short $long; do
        options+=("$o")
        [[ -n "${BASH_REMATCH[3]}" ]] && valued+=("$o")
    done
done <<<"$help"
if [[ ${#options[@]} -lt 10 ]]; then
    echo "FAIL: could not read the options from '$afcgid --help':"
    echo "$help"
    exit 1
fi

# Run the completion as bash would: COMP_WORDS, COMP_CWORD, then the function `complete` names.
complete_words()
{
    bash -c '
        source "$1"; shift
        func=$(complete -p afcgid | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
        "$func" afcgid "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' check "$completion" "$@"
}

if ! bash -c 'source "$1" && complete -p afcgid' check "$completion" >/dev/null; then
    echo "FAIL: $completion does not load, or defines no completion for afcgid"
    exit 1
fi

failed=0
sorted() { printf '%s\n' "$@" | sort -u; }
offered="$(complete_words afcgid - | sort -u)"
missing="$(comm -23 <(sorted "${options[@]}") <(echo "$offered"))"
extra="$(comm -13 <(sorted "${options[@]}") <(echo "$offered"))"
if [[ -n $missing ]]; then
    echo "FAIL: $completion does not offer:" $missing
    failed=1
fi
if [[ -n $extra ]]; then
    echo "FAIL: $completion offers options afcgid does not know:" $extra
    failed=1
fi
# After an option that takes a value, the next word is that value, not another option.
# (Words are captured before grep reads them: `grep -q` stops at its first match, and under
# pipefail the writer's SIGPIPE would fail the check at random.)
for o in "${valued[@]}"; do
    if grep -qx -- '--help' <<<"$(complete_words afcgid "$o" "")"; then
        echo "FAIL: $completion offers options as the value of $o"
        failed=1
    fi
done
# After one that takes none, the options again.
if ! grep -qx -- '--listen' <<<"$(complete_words afcgid --version "")"; then
    echo "FAIL: $completion offers no option after --version"
    failed=1
fi
if [[ $(complete_words afcgid --log-level "" | sort | tr '\n' ' ') != "debug error info warning " ]]; then
    echo "FAIL: $completion does not offer the log levels after --log-level"
    failed=1
fi

# The man page names each option as roff writes it: \-\-listen, \-l.
for o in "${options[@]}"; do
    if ! grep -qF -- "${o//-/\\-}" "$manpage"; then
        echo "FAIL: $manpage does not describe $o"
        failed=1
    fi
done

[[ $failed -eq 0 ]] || { echo "(update resources/bash-completion/afcgid and resources/man/afcgid.1.in)"; exit 1; }
echo "ok: ${#options[@]} options (${#valued[@]} with a value), completed and documented"
