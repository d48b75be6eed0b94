package tests

import (
	"os"
	"testing"

	"github.com/yun-fc/yun/tests/testnode"
)

func TestMain(m *testing.M) { os.Exit(testnode.Main(m)) }

// Short names for the harness the suites share (see package testnode).
type node = testnode.Node

const (
	testAK     = testnode.AccessKeyID
	testSecret = testnode.AccessKeySecret
)

var (
	startNode = testnode.Start
	zipDir    = testnode.ZipDir
	zipFiles  = testnode.ZipFiles
	fn        = testnode.Fn
)

func ptr[T any](v T) *T { return &v }
