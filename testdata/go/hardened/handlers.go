package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/golang-jwt/jwt/v5"
)

type server struct {
	db     *sql.DB
	secret []byte
}

func (s *server) users(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.QueryContext(r.Context(), "SELECT name FROM users WHERE name = $1", r.URL.Query().Get("name"))
	if err != nil {
		log.Printf("users: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	page := fmt.Sprintf("SELECT name FROM users LIMIT %d", 50)
	_ = page
	json.NewEncoder(w).Encode([]string{})
}

func (s *server) me(w http.ResponseWriter, r *http.Request) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(r.Header.Get("Authorization"), claims, func(t *jwt.Token) (interface{}, error) {
		return s.secret, nil
	}, jwt.WithValidMethods([]string{"HS256"}))
	if err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var in struct{ Name string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "x", Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	if errors.Is(err, sql.ErrNoRows) {
		return
	}
	json.NewEncoder(w).Encode(claims)
}
