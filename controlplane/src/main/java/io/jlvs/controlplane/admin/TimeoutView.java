package io.jlvs.controlplane.admin;

/**
 * {@code ipvsadm -L --timeout}, {@code --set tcp tcpfin udp}: seconds. Kernel defaults 900 120 300.
 */
public record TimeoutView(int tcp, int tcpFin, int udp)
{
    public static final TimeoutView KERNEL_DEFAULTS = new TimeoutView(900, 120, 300);
}
