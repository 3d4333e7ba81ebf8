// Command hardened is a Go service that does what pipeguard's Go rules ask:
// it must yield no finding. Fixture: see testdata/go/README.md.
package main

import (
	"crypto/tls"
	"database/sql"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/rs/cors"
)

func main() {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db, secret: []byte(os.Getenv("JWT_SECRET"))}
	mux := http.NewServeMux()
	mux.HandleFunc("/users", s.users)
	mux.HandleFunc("/me", s.me)
	c := cors.New(cors.Options{
		AllowedOrigins:   strings.Split(os.Getenv("ALLOWED_ORIGINS"), ","),
		AllowCredentials: true,
	})
	go debugServer()
	srv := &http.Server{
		Addr:              ":8443",
		Handler:           c.Handler(mux),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	log.Fatal(srv.ListenAndServeTLS(os.Getenv("TLS_CERT"), os.Getenv("TLS_KEY")))
}

// debugServer serves pprof on loopback only, on its own mux.
func debugServer() {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	srv := &http.Server{Addr: "127.0.0.1:6060", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Println(srv.ListenAndServe())
}
