// coredns: CoreDNS with the plugins of the Corefile kubeadm writes (cmd/kubeadm/app/phases/addons/dns
// in Kubernetes), plus log for debugging. CoreDNS's own main imports every plugin
// (core/plugin/zplugin.go); importing only these keeps the build and the binary small. A directive
// whose plugin is not linked in is refused when the Corefile is loaded, so a Corefile that needs more
// says so at start.
package main

import (
	_ "github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() {
	coremain.Run()
}
