# Yun: the two commands of the README.
#   make run   builds yun and starts a node with its embedded defaults
#   make test  installs what the tests need and runs the whole suite

GO ?= go
BIN := bin/yun

.PHONY: build run test clean

build:
	$(GO) build -o $(BIN) ./cmd/yun

run: build
	./$(BIN) server

test:
	./scripts/test.sh

clean:
	rm -rf bin
