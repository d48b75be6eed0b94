package egress

import "testing"

func TestReachableServers(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "nameserver 10.255.255.53\n", "nameserver 10.255.255.53\n"},
		{"systemd stub only", "# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n", ""},
		{"mixed", "nameserver 127.0.0.1\nnameserver 1.1.1.1\nsearch corp.example\n", "nameserver 1.1.1.1\nsearch corp.example\n"},
		{"ipv6 and link-local", "nameserver fe80::1\nnameserver ::1\nnameserver 2001:db8::53\nnameserver 169.254.169.253\nnameserver 9.9.9.9\n", "nameserver 9.9.9.9\n"},
		{"garbage", "nameserver\nfoo bar\nnameserver not-an-ip\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(reachableServers([]byte(tc.in))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
