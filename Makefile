# nimbus: the top-level Makefile only wires the pipeline scripts together.
#   make                 deps, source, patches, config (verified), build FLAVOR
#   make check           every check and test, ending with "N passed, N failed"
#   make sign            the built kernel signed for UEFI Secure Boot
# Variables: FLAVOR (cloud|debug), KSRC=/path/to/linux (instead of Debian's
# linux-source-6.12), BUILD and RESULTS folders, MODULE_SIG_KEY=FILE (the
# packager's module signing key and certificate, one PEM file; default: a
# key the build makes for its build folder), SB_KEY=FILE SB_CERT=FILE (the
# packager's Secure Boot key and certificate, for make sign).
FLAVOR ?= cloud
S := scripts

all: build

deps:
	@$(S)/timed deps $(S)/install-deps

source: deps
	@$(S)/timed source $(S)/prepare-source

patches: source
	@$(S)/timed patches $(S)/apply-patches

config: patches
	@$(S)/timed "config $(FLAVOR)" $(S)/merge-config $(FLAVOR)
	@$(S)/timed "check-config $(FLAVOR)" $(S)/check-config $(FLAVOR)

build: config
	@$(S)/timed "build $(FLAVOR)" $(S)/build $(FLAVOR)

# build/FLAVOR/vmlinuz.signed: the bzImage signed with sbsign (SB_KEY, SB_CERT)
sign: build
	@$(S)/timed "sign $(FLAVOR)" $(S)/sign-kernel --key "$(SB_KEY)" --cert "$(SB_CERT)" \
		-o build/$(FLAVOR)/vmlinuz.signed build/$(FLAVOR)/arch/x86/boot/bzImage

modules: config
	@$(S)/timed "modules $(FLAVOR)" $(S)/build $(FLAVOR) --modules-only

check: deps
	@$(S)/check

vm-test: build
	@$(S)/vm-test $(FLAVOR)

# make vm-run CMD='uname -a'
vm-run: build
	@$(S)/vm-run -F $(FLAVOR) -- sh -c '$(CMD)'

# Cold-boot latency, ours vs Debian's kernels (benchmarks/boot/README.md)
bench-boot: build
	@$(S)/timed bench-boot benchmarks/boot/run

# Storage, network and syscall paths, ours vs Debian's cloud kernel
# (benchmarks/paths/README.md); BENCH_ARGS=--quick for the short variant
bench: build
	@$(S)/timed bench benchmarks/paths/run $(BENCH_ARGS)

# netvsc_tune: virtio-net with and without the module, time to apply per
# device (docs/netvsc-tune.md)
bench-tune: build
	@$(S)/timed bench-tune benchmarks/netvsc_tune/run $(BENCH_ARGS)

# LAVA jobs for the built FLAVOR (lava/, docs/lava.md): build/lava/FLAVOR/
lava-jobs: build
	@$(S)/timed lava-jobs $(S)/lava-jobs $(FLAVOR)

selftests-install: patches
	@$(MAKE) -C selftests install

clean:
	rm -rf build/$(FLAVOR) results/$(FLAVOR)

distclean:
	rm -rf build results

.PHONY: all deps source patches config build sign modules check vm-test vm-run bench-boot bench bench-tune lava-jobs \
	selftests-install clean distclean
