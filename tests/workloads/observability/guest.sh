#!/bin/bash
# tests/workloads/observability/guest.sh: tracing and BPF observability on the
# kernel under test (issue 27), run as root in the workload VM.
#
# What it proves: the kernel's BTF is there and readable (/sys/kernel/btf/
# vmlinux, and a module's split BTF); bpftrace attaches BPF programs to a
# kprobe and to a syscall tracepoint and counts exactly the events this
# script causes; CO-RE BPF programs (Debian's libbpf-tools, built elsewhere
# against other kernels' layouts) relocate against this kernel's BTF, load
# and report the right data; perf samples the whole system with call chains
# and resolves kernel symbols; the function tracer traces only the function
# it is filtered to; a kprobe event added by hand through tracefs fires and
# fetches its argument.
#
# Why it matters for Azure: AKS and Azure VMs run perf, bpftrace, Cilium (and
# Hubble), Retina, Inspektor Gadget and the Azure Monitor agents. They all
# need tracepoints, kprobes, ftrace and BTF for CO-RE; a kernel that builds
# without one of them boots fine and only fails when a customer's agent or
# an engineer's bpftrace one-liner refuses to load.
#
# Every probe is set on events this script triggers itself, counted, and
# compared with the number it triggered: the result never rests on what
# else the system happens to do.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$WL_DIR/../lib.sh"

T=/sys/kernel/tracing
BTF=/sys/kernel/btf/vmlinux
scratch=$(mktemp -d)
# Processes whose comm we pick: the kernel names a task after the basename
# of the path it executed, so a symlink to bash gives a bash named wlopen.
ln -s "$(type -P bash)" "$scratch/wlopen"
ln -s "$(type -P bash)" "$scratch/wlexit"
target=$scratch/target
echo observability > "$target"
NOPEN=7
# opener.sh: open $target exactly NOPEN times (bash opens it for ": <")
printf 'for ((i = 0; i < %d; i++)); do : < %s; done\n' "$NOPEN" "$target" > "$scratch/opener.sh"
ln -s "$(type -P true)" "$scratch/wlexec"
# execer.sh: run wlexec (true under another name) NOPEN times
printf 'for ((i = 0; i < %d; i++)); do %s; done\n' "$NOPEN" "$scratch/wlexec" > "$scratch/execer.sh"

# Figures, filled in by the checks (they run in this shell), printed after.
btf_bytes='' btf_types='' kprobe_count='' perf_samples='' kprobe_hits='' ftrace_funcs=''

# --- 1. BTF -----------------------------------------------------------------

btf_vmlinux() {
	[ -s "$BTF" ] || { echo "$BTF missing or empty"; ls -l /sys/kernel/btf 2>&1; return 1; }
	btf_bytes=$(wc -c < "$BTF")
	bpftool btf dump file "$BTF" format raw > "$scratch/btf.txt" || return 1
	btf_types=$(grep -c '^\[[0-9]*\] ' "$scratch/btf.txt")
	echo "$BTF: $btf_bytes bytes, $btf_types types"
	# a known kernel type, with a member where it should be
	grep -E "^\[[0-9]+\] STRUCT 'task_struct' size=[0-9]+ " "$scratch/btf.txt" || return 1
	struct_member task_struct pid | grep . || return 1
}

# struct_member STRUCT MEMBER: the member's line from the raw BTF dump
struct_member() {
	awk -v s="'$1'" -v m="'$2'" '
		$2 == "STRUCT" && $3 == s { inside = 1; next }
		inside && /^\[/ { exit }
		inside && $1 == m { print; exit }' "$scratch/btf.txt"
}

btf_module() {
	modprobe tun || return 1
	if [ ! -s /sys/kernel/btf/tun ]; then
		echo "no BTF for the tun module; /sys/kernel/btf has:"
		ls /sys/kernel/btf
		return 1
	fi
	# split BTF: its base is vmlinux's
	bpftool -B "$BTF" btf dump file /sys/kernel/btf/tun format raw > "$scratch/btf-tun.txt" || return 1
	grep -E "^\[[0-9]+\] STRUCT 'tun_struct' " "$scratch/btf-tun.txt"
}

# --- 2. bpftrace ------------------------------------------------------------

# bpftrace's -c runs the command once every probe is attached and ends when
# it exits (cpid: its pid), so no event is missed and no sleep is guessed.
bpftrace_kprobe() {
	local n=300 out
	out=$(timeout 300 bpftrace -e 'kprobe:vfs_read /pid == cpid/ { @reads = count(); }' \
		-c "/bin/dd if=/dev/zero of=/dev/null bs=1 count=$n" 2>&1)
	echo "$out"
	kprobe_count=$(sed -n 's/^@reads: \([0-9]*\)$/\1/p' <<< "$out")
	# dd reads /dev/zero $n times, one byte each (and a few more reads at start)
	[ -n "$kprobe_count" ] && [ "$kprobe_count" -ge "$n" ]
}

# the syscalls:* trace events exist only with CONFIG_FTRACE_SYSCALLS
syscall_events() {
	[ -d "$T/events/syscalls" ] && return 0
	echo "no $T/events/syscalls: the kernel has no syscall trace events (CONFIG_FTRACE_SYSCALLS)"
	return 1
}

bpftrace_tracepoint() {
	local out all hits
	syscall_events || return 1
	out=$(timeout 300 bpftrace -e 'tracepoint:syscalls:sys_enter_openat /comm == "wlopen"/ {
		@all = count();
		if (str(args->filename) == "'"$target"'") { @hits = count(); } }' \
		-c "$scratch/wlopen $scratch/opener.sh" 2>&1)
	echo "$out"
	all=$(sed -n 's/^@all: \([0-9]*\)$/\1/p' <<< "$out")
	hits=$(sed -n 's/^@hits: \([0-9]*\)$/\1/p' <<< "$out")
	# exactly the opens of $target, among the others of bash's start
	[ "$hits" = "$NOPEN" ] && [ -n "$all" ] && [ "$all" -ge "$NOPEN" ]
}

# a scheduler tracepoint (no syscall trace events needed): each exec of a
# program named wlexec, NOPEN of them, counted exactly
bpftrace_tracepoint_sched() {
	local out execs
	out=$(timeout 300 bpftrace -e 'tracepoint:sched:sched_process_exec /comm == "wlexec"/ { @execs = count(); }' \
		-c "$scratch/wlopen $scratch/execer.sh" 2>&1)
	echo "$out"
	execs=$(sed -n 's/^@execs: \([0-9]*\)$/\1/p' <<< "$out")
	[ "$execs" = "$NOPEN" ]
}

# --- 3. CO-RE: libbpf-tools -------------------------------------------------

# snoop_start TOOL OUTFILE [ARGS...]: start a libbpf-tools program (line
# buffered, libbpf's log in OUTFILE.err) and wait for its header, which it
# prints once its programs are attached; sets snoop_pid
snoop_start() {
	local tool=$1 out=$2 i
	shift 2
	stdbuf -oL "$tool" "$@" > "$out" 2> "$out.err" &
	snoop_pid=$!
	for ((i = 0; i < 240; i++)); do
		[ -s "$out" ] && break
		kill -0 "$snoop_pid" 2> /dev/null || break
		sleep 0.5
	done
	# the header comes before the perf buffer is opened: give it a moment
	sleep 2
	[ -s "$out" ]
}

snoop_stop() {	# snoop_stop: SIGINT (a clean exit), then its status
	kill -INT "$snoop_pid" 2> /dev/null
	wait "$snoop_pid"
}

# exitsnoop reads exit_code, tgid, real_parent and start_time of task_struct
# through CO-RE relocations: -v shows libbpf relocating them against this
# kernel's BTF; the offsets it finds must be those the kernel's BTF gives,
# and the data it reports must be right (our child's pid, ppid, exit code).
core_exitsnoop() {
	local out=$scratch/exitsnoop.txt child rc=0 relo off bits
	if ! snoop_start exitsnoop "$out" -v; then
		echo "exitsnoop did not start:"
		tail -n 20 "$out.err"
		snoop_stop
		return 1
	fi
	"$scratch/wlexit" -c 'exit 7' &
	child=$!
	wait "$child"
	sleep 2
	snoop_stop || rc=$?
	echo "exitsnoop exit $rc; its output:"
	cat "$out"
	[ "$rc" = 0 ] || { tail -n 20 "$out.err"; return 1; }
	grep -q "loading kernel BTF '$BTF': 0" "$out.err" || { echo "libbpf did not load $BTF"; grep BTF "$out.err"; return 1; }
	relo=$(grep -m1 -E 'matching candidate #[0-9]+ <byte_off> \[[0-9]+\] struct task_struct\.exit_code ' "$out.err")
	echo "libbpf: $relo"
	off=$(sed -n 's/.* @ offset \([0-9]*\))$/\1/p' <<< "$relo")
	bits=$(struct_member task_struct exit_code | sed -n 's/.*bits_offset=\([0-9]*\).*/\1/p')
	echo "task_struct.exit_code: relocated to byte $off; the kernel's BTF says bit ${bits:-?}"
	[ -n "$off" ] && [ -n "$bits" ] && [ "$((bits / 8))" = "$off" ] || return 1
	# PCOMM PID PPID TID AGE(s) EXIT_CODE: "wlexit <child> <us> <child> 0.00 code 7"
	awk -v c="$child" -v p="$BASHPID" '$1 == "wlexit" && $2 == c && $3 == p && $(NF-1) == "code" && $NF == 7 { f = 1 }
		END { exit !f }' "$out"
}

# opensnoop: the tool the brief names (syscall tracepoints, CO-RE); it must
# list every open of $target by our wlopen with a valid fd
core_opensnoop() {
	local out=$scratch/opensnoop.txt rc=0 n
	syscall_events || return 1
	if ! snoop_start opensnoop "$out" -n wlopen; then
		echo "opensnoop did not start:"
		tail -n 20 "$out.err"
		snoop_stop
		return 1
	fi
	"$scratch/wlopen" "$scratch/opener.sh"
	sleep 2
	snoop_stop || rc=$?
	echo "opensnoop exit $rc; its output:"
	cat "$out" "$out.err"
	# PID COMM FD ERR PATH
	n=$(awk -v t="$target" '$2 == "wlopen" && $3 >= 0 && $4 == 0 && $5 == t' "$out" | wc -l)
	echo "opens of $target seen: $n of $NOPEN"
	[ "$rc" = 0 ] && [ "$n" = "$NOPEN" ]
}

# --- 4. perf ----------------------------------------------------------------

perf_record() {
	local data=$scratch/perf.data rep=$scratch/perf-report.txt
	# no PMU under TCG: perf falls back to the cpu-clock software event
	timeout 300 perf record -g -a -o "$data" -- dd if=/dev/zero of=/dev/null bs=1 count=50000 \
		> "$scratch/perf-record.txt" 2>&1 || { cat "$scratch/perf-record.txt"; return 1; }
	cat "$scratch/perf-record.txt"
	perf_samples=$(sed -n 's/.*Captured and wrote .*(\([0-9]*\) samples).*/\1/p' "$scratch/perf-record.txt")
	timeout 300 perf report --stdio -i "$data" --comm dd --no-children --sort sym > "$rep" 2>&1 || { cat "$rep"; return 1; }
	head -n 40 "$rep"
	# kernel samples with names (not raw addresses), and the read/write
	# system call path of dd among them (as a sample or in a call chain)
	grep -qE '\[k\] [A-Za-z_]' "$rep" || { echo "no named kernel symbol"; return 1; }
	grep -E '\[k\] ' "$rep" | head -n 5
	grep -m1 -wE 'entry_SYSCALL_64(_after_hwframe)?|do_syscall_64|(__x64_sys|ksys|vfs)_(read|write)|read_iter_zero' "$rep"
}

# --- 5. ftrace --------------------------------------------------------------

ftrace_reset() {
	echo nop > "$T/current_tracer"
	echo > "$T/set_ftrace_filter"
	echo 1 > "$T/tracing_on"
}

# the function tracer, filtered to the function under sync(2); `sync` runs 3 times
ftrace_function() {
	local func n=3 i all ours
	grep -qw function "$T/available_tracers" || { echo "no function tracer: $(cat "$T/available_tracers")"; return 1; }
	ftrace_funcs=$(wc -l < "$T/available_filter_functions")
	func=$(grep -m1 -xE 'ksys_sync|__x64_sys_sync|__do_sys_sync' "$T/available_filter_functions")
	[ -n "$func" ] || { echo "none of ksys_sync, __x64_sys_sync, __do_sys_sync can be traced"; return 1; }
	echo nop > "$T/current_tracer"
	echo "$func" > "$T/set_ftrace_filter" || return 1
	echo "filter: $(cat "$T/set_ftrace_filter")"
	echo > "$T/trace"
	echo function > "$T/current_tracer" || { ftrace_reset; return 1; }
	for ((i = 0; i < n; i++)); do sync; done
	echo 0 > "$T/tracing_on"
	cp "$T/trace" "$scratch/ftrace.txt"
	ftrace_reset
	[ "$(cat "$T/current_tracer")" = nop ] || { echo "current_tracer did not go back to nop"; return 1; }
	grep -v '^#' "$scratch/ftrace.txt" | head -n 10
	all=$(grep -vc '^#' "$scratch/ftrace.txt")
	ours=$(grep -cE "^ *sync-[0-9]+ .* $func <-" "$scratch/ftrace.txt")
	echo "$all entries, $ours from sync in $func ($n runs)"
	# every entry is the filtered function (the filter holds), each run is seen
	[ "$ours" -ge "$n" ] && [ "$(grep -v '^#' "$scratch/ftrace.txt" | grep -cv " $func <-")" = 0 ]
}

# a kprobe event added by hand: on do_filp_open(dfd, struct filename *, op),
# fetching the path (struct filename's first member, name) through %si
kprobe_event() {
	local ev=wlobs/wl_open dir=$T/events/wlobs/wl_open n rc=0
	echo "p:$ev do_filp_open path=+0(+0(%si)):string" >> "$T/kprobe_events" || return 1
	[ -d "$dir" ] || { echo "$dir not created"; cat "$T/kprobe_events"; return 1; }
	echo > "$T/trace"
	echo 'comm == "wlopen"' > "$dir/filter" || rc=1
	echo 1 > "$dir/enable" || rc=1
	"$scratch/wlopen" "$scratch/opener.sh"
	echo 0 > "$dir/enable"
	cp "$T/trace" "$scratch/kprobe.txt"
	kprobe_hits=$(awk '$1 == "wl_open" { print $2 }' "$T/kprobe_profile")
	echo "-:$ev" >> "$T/kprobe_events" || rc=1
	[ ! -d "$dir" ] || { echo "$dir still there after removal"; rc=1; }
	grep -v '^#' "$scratch/kprobe.txt" | head -n 10
	n=$(grep -cE "^ *wlopen-[0-9]+ .* wl_open: \(do_filp_open\+0x[0-9a-f]+/0x[0-9a-f]+\) path=\"$target\"$" "$scratch/kprobe.txt")
	echo "kprobe_profile hits: ${kprobe_hits:-?}; events with path $target: $n of $NOPEN"
	[ "$rc" = 0 ] && [ "$n" = "$NOPEN" ]
}

# Weak functions that another definition replaced can keep an fentry
# record in __mcount_loc that points into no function; ftrace disables those
# records in a scan at boot (test_for_valid_rec(), which nimbus' ftrace
# patch makes cheaper; its KUnit suite ftrace_valid_rec checks the decision
# itself). Here: whatever the scan kept is listed under a real name (a record
# it wrongly kept would show as __ftrace_invalid_address___<offset>), and
# the list is not empty (a scan that refused everything would leave nothing).
ftrace_weak_records() {
	local total listed invalid
	total=$(awk '{ print $1; exit }' "$T/dyn_ftrace_total_info")
	listed=$(wc -l < "$T/available_filter_functions")
	invalid=$(grep -c '^__ftrace_invalid_address__' "$T/available_filter_functions" || true)
	echo "$total fentry records, $listed traceable functions listed ($((total - listed)) disabled), $invalid invalid addresses listed"
	[ "$invalid" = 0 ] || { grep -m5 '^__ftrace_invalid_address__' "$T/available_filter_functions"; return 1; }
	[ "$listed" -gt 1000 ] && [ "$listed" -le "$total" ] || return 1
	# and a listed name is a kernel symbol
	grep -qw "$(head -n 1 "$T/available_filter_functions" | awk '{ print $1 }')" /proc/kallsyms
}

wl_check "BTF: $BTF present, bpftool finds struct task_struct" btf_vmlinux
wl_check "BTF: a module's split BTF (tun) over vmlinux" btf_module
wl_check "bpftrace: kprobe:vfs_read counts every read of dd" bpftrace_kprobe
wl_check "bpftrace: tracepoint syscalls:sys_enter_openat, comm filter, exact count" bpftrace_tracepoint
wl_check "bpftrace: tracepoint sched:sched_process_exec, comm filter, exact count" bpftrace_tracepoint_sched
wl_check "CO-RE: exitsnoop relocates task_struct against the kernel BTF, reports our exit" core_exitsnoop
wl_check "CO-RE: opensnoop sees each open of our file" core_opensnoop
wl_check "perf: record -g -a resolves kernel symbols in the report" perf_record
wl_check "ftrace: function tracer limited by set_ftrace_filter, reset to nop" ftrace_function
wl_check "ftrace: every traceable function is listed under a real name (fentry record check)" ftrace_weak_records
wl_check "ftrace: kprobe_events event added by hand fires with its argument" kprobe_event

[ -z "$btf_bytes" ] || wl_figure btf_vmlinux_size "$btf_bytes" bytes
[ -z "$btf_types" ] || wl_figure btf_vmlinux_types "$btf_types" types
[ -z "$kprobe_count" ] || wl_figure bpftrace_vfs_read_hits "$kprobe_count" events
[ -z "$perf_samples" ] || wl_figure perf_samples "$perf_samples" samples
[ -z "$kprobe_hits" ] || wl_figure kprobe_event_hits "$kprobe_hits" events
[ -z "$ftrace_funcs" ] || wl_figure ftrace_filter_functions "$ftrace_funcs" functions
rm -rf "$scratch"
wl_done
