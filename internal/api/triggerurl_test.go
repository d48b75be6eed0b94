package api

import "testing"

func TestParseTriggerPath(t *testing.T) {
	cases := []struct {
		path string
		want triggerTarget
		ok   bool
	}{
		{"/yun/http/123/fn/LATEST", triggerTarget{"123", "fn", "LATEST", "/"}, true},
		{"/yun/http/123/fn/prod/", triggerTarget{"123", "fn", "prod", "/"}, true},
		{"/yun/http/123/fn/2/a%20b/c", triggerTarget{"123", "fn", "2", "/a%20b/c"}, true},
		{"/yun/http/123/fn/LATEST//double", triggerTarget{"123", "fn", "LATEST", "//double"}, true},
		{"/yun/http/123/fn", triggerTarget{}, false},
		{"/yun/http/123/1fn/LATEST", triggerTarget{}, false},
		{"/yun/http/123/fn/bad.q", triggerTarget{}, false},
		{"/yun/http//fn/LATEST", triggerTarget{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			got, err := parseTriggerPath(tc.path)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("got %+v %v, want %+v ok=%v", got, err, tc.want, tc.ok)
			}
		})
	}
}
