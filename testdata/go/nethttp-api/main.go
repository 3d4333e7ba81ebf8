// Command nethttp-api is a small net/http service with the mistakes
// pipeguard's Go rules look for. Fixture: see testdata/go/README.md.
package main

import (
	"database/sql"
	"log"
	"net/http"
	_ "net/http/pprof"

	"github.com/rs/cors"
)

func main() {
	db, err := sql.Open("mysql", "app@tcp(db:3306)/app")
	if err != nil {
		log.Fatal(err)
	}
	s := &server{db: db, upstream: newClient()}
	http.HandleFunc("/users", s.users)
	http.HandleFunc("/login", s.login)
	http.Handle("/api/", cors.New(cors.Options{AllowedOrigins: []string{"*"}}).Handler(http.HandlerFunc(s.api)))
	log.Fatal(http.ListenAndServe(":8080", nil))
}
