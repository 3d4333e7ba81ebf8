package main

import (
	"crypto/tls"
	"net/http"
	"time"
)

func newClient() *http.Client {
	cfg := &tls.Config{MinVersion: tls.VersionTLS10}
	cfg.InsecureSkipVerify = true
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: cfg},
	}
}
