# Shortcuts for the scripts in scripts/.
.PHONY: up down test bench
up:
	./scripts/up.sh
down:
	./scripts/down.sh
test:
	./scripts/test.sh
bench:
	./scripts/bench.sh
