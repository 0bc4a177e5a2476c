# Convenience wrappers around scripts/ (which work without make).
.PHONY: run test bench
run:
	scripts/run
test:
	scripts/install-deps && swift test
bench:
	swift run -c release kith-bench jsonl
