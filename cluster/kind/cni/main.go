// podlens-kindnet: the default CNI of podlens' offline kind node image (kind's own kindnetd is a
// module the Go proxy serves only by pseudo-version). It does what a kind cluster needs and no more:
//   - writes this node's CNI config: the ptp plugin with host-local IPAM over the node's podCIDR
//     (as kindnetd does, https://github.com/kubernetes-sigs/kind/tree/main/images/kindnetd), so the
//     kubelet reports the node Ready;
//   - keeps one route per other node: its podCIDR via its InternalIP, so pods reach pods on any node.
// Nodes are polled every few seconds; a kind cluster has a handful.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/vishvananda/netlink"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

const confPath = "/etc/cni/net.d/10-podlens-kindnet.conflist"

func main() {
	nodeName := os.Getenv("NODE_NAME")
	if nodeName == "" {
		fail("NODE_NAME is not set (the DaemonSet passes spec.nodeName)")
	}
	config, err := rest.InClusterConfig()
	if err != nil {
		fail("in-cluster config: %v", err)
	}
	// kind patches CONTROL_PLANE_ENDPOINT in (default-cni.yaml asks it to): the API server is reached
	// directly, so the CNI does not wait for kube-proxy's Service rules.
	if endpoint := os.Getenv("CONTROL_PLANE_ENDPOINT"); endpoint != "" {
		config.Host = "https://" + endpoint
	}
	client := kubernetes.NewForConfigOrDie(config)
	written := ""
	for {
		if err := sync(client, nodeName, &written); err != nil {
			fmt.Fprintf(os.Stderr, "podlens-kindnet: %v\n", err)
		}
		time.Sleep(5 * time.Second)
	}
}

func sync(client kubernetes.Interface, nodeName string, written *string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list nodes: %w", err)
	}
	for i := range nodes.Items {
		node := &nodes.Items[i]
		if node.Spec.PodCIDR == "" {
			continue
		}
		if node.Name == nodeName {
			if node.Spec.PodCIDR != *written {
				if err := writeConfig(node.Spec.PodCIDR); err != nil {
					return err
				}
				*written = node.Spec.PodCIDR
				fmt.Printf("podlens-kindnet: CNI config for podCIDR %s written to %s\n", node.Spec.PodCIDR, confPath)
			}
			continue
		}
		if err := route(node); err != nil {
			return err
		}
	}
	return nil
}

// route makes the node's podCIDR reachable through its InternalIP (replace: idempotent).
func route(node *v1.Node) error {
	_, cidr, err := net.ParseCIDR(node.Spec.PodCIDR)
	if err != nil {
		return fmt.Errorf("node %s podCIDR %q: %w", node.Name, node.Spec.PodCIDR, err)
	}
	var gw net.IP
	for _, a := range node.Status.Addresses {
		if a.Type == v1.NodeInternalIP {
			if ip := net.ParseIP(a.Address); ip != nil && (ip.To4() != nil) == (cidr.IP.To4() != nil) {
				gw = ip
			}
		}
	}
	if gw == nil {
		return nil // not reported yet
	}
	return netlink.RouteReplace(&netlink.Route{Dst: cidr, Gw: gw})
}

func writeConfig(podCIDR string) error {
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "kindnet",
		"plugins": []any{
			map[string]any{
				"type":   "ptp",
				"ipMasq": false,
				"ipam": map[string]any{
					"type":   "host-local",
					"ranges": []any{[]any{map[string]string{"subnet": podCIDR}}},
					"routes": []any{map[string]string{"dst": "0.0.0.0/0"}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	data, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(confPath), ".podlens-kindnet.tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, confPath) // the kubelet never reads half a file
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "podlens-kindnet: "+format+"\n", args...)
	os.Exit(1)
}
