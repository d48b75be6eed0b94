package store

import (
	"crypto/rand"
	"math/big"
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// NewAccountID makes an FC-style numeric account id: 16 random digits, no
// leading zero.
func NewAccountID() string {
	return randomString(1, "123456789") + randomString(15, "0123456789")
}

// NewAccessKey makes a key pair for an account: an id "YUN" + 17 characters
// and a 30-character secret, from crypto/rand.
func NewAccessKey(accountID, created string) *AccessKey {
	return &AccessKey{ID: "YUN" + randomString(17, upperAlnum), Secret: randomString(30, alnum),
		AccountID: accountID, Created: created}
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic("store: crypto/rand failed: " + err.Error())
		}
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}
