// Command gin-api is a small gin service with the mistakes pipeguard's Go
// rules look for. Fixture: see testdata/go/README.md.
package main

import (
	"database/sql"
	"log"

	"github.com/gin-contrib/cors"
	"github.com/gin-contrib/pprof"
	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.DebugMode)
	db, err := sql.Open("postgres", dsn())
	if err != nil {
		log.Fatal(err)
	}
	r := gin.Default()
	r.Use(cors.New(cors.Config{
		AllowAllOrigins:  true,
		AllowMethods:     []string{"GET", "POST"},
		AllowCredentials: true,
	}))
	pprof.Register(r)
	h := &handlers{db: db}
	r.GET("/items/:id", h.item)
	r.POST("/login", h.login)
	r.GET("/me", h.me)
	if err := r.Run(":8080"); err != nil {
		log.Fatal(err)
	}
}
