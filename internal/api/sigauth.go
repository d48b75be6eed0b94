package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/fc"
)

// signatureAuth is the function auth type: the request carries an ACS3
// signature, checked by the same verifier (and replay cache) as API calls,
// made with an access key of the function's own account.
type signatureAuth struct {
	s       *Server
	account string
}

func (a signatureAuth) check(ctx context.Context, r *http.Request, q *webRequest) error {
	akID, err := a.s.verifier.Verify(ctx, r, q.body)
	if errors.Is(err, acs3.ErrMissingAuthorization) {
		return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied,
			"this endpoint requires an ACS3-HMAC-SHA256 signature (authType function): %v", err)
	}
	if err != nil {
		return err
	}
	k, err := a.s.accessKey(ctx, akID)
	if err != nil {
		return err
	}
	if k.AccountID != a.account {
		return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied,
			"access key '%s' does not belong to the account of this function", akID)
	}
	return nil
}
