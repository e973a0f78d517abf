package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.AddressFamily;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of ipvsadm's listings, reproduced to the entry: libipvs's ipvs_cmp_services and ipvs_cmp_dests, which
 * subtract unsigned 32-bit values into an int (so 10.0.0.1 sorts after 200.0.0.1, the difference being above 2^31)
 * and compare a real server by the first one's family alone, sorted by glibc's qsort, a top-down merge sort. Such a
 * comparison is not a total order, so Java's sort could refuse it or order it otherwise: the merge sort here is
 * glibc's, which gives ipvsadm's order whatever the comparison says.
 */
final class LibipvsOrder
{
    /** ipvs_cmp_services: fwmark, family, protocol, address word by word, port, each a wrapped difference. */
    static final Comparator<ServiceView> SERVICES = (s1, s2) ->
    {
        int r = s1.fwmark() - s2.fwmark();
        if (r != 0)
        {
            return r;
        }
        r = afNumber(s1.af()) - afNumber(s2.af());
        if (r != 0)
        {
            return r;
        }
        r = protocol(s1) - protocol(s2);
        if (r != 0)
        {
            return r;
        }
        r = addressDifference(s1.af(), s1.fwmark() != 0 ? null : s1.address(), s2.fwmark() != 0 ? null : s2.address());
        return r != 0 ? r : s1.port() - s2.port();
    };

    /** ipvs_cmp_dests: address word by word as the first one's family has it, then port. */
    static final Comparator<DestView> DESTS = (d1, d2) ->
    {
        final int r = addressDifference(d1.af(), d1.address(), d2.address());
        return r != 0 ? r : d1.port() - d2.port();
    };

    private LibipvsOrder()
    {
    }

    /** glibc's msort_with_tmp: halves sorted, then merged taking the left one while the comparison is &lt;= 0. */
    static <T> List<T> sort(final List<T> list, final Comparator<? super T> cmp)
    {
        final List<T> out = new ArrayList<>(list);
        msort(out, 0, out.size(), cmp, new ArrayList<>(out));
        return out;
    }

    private static <T> void msort(final List<T> b, final int from, final int n, final Comparator<? super T> cmp,
        final List<T> tmp)
    {
        if (n <= 1)
        {
            return;
        }
        final int n1 = n / 2;
        final int n2 = n - n1;
        msort(b, from, n1, cmp, tmp);
        msort(b, from + n1, n2, cmp, tmp);
        int i = from;
        int j = from + n1;
        final int endI = from + n1;
        final int endJ = from + n;
        int t = 0;
        while (i < endI && j < endJ)
        {
            tmp.set(t++, cmp.compare(b.get(i), b.get(j)) <= 0 ? b.get(i++) : b.get(j++));
        }
        while (i < endI)
        {
            tmp.set(t++, b.get(i++));
        }
        // what is left of the second half is in place already, as in glibc's memcpy of n - n2 elements
        for (int k = 0; k < t; k++)
        {
            b.set(from + k, tmp.get(k));
        }
    }

    /** AF_INET 2, AF_INET6 10: the values libipvs subtracts. */
    private static int afNumber(final AddressFamily af)
    {
        return af == AddressFamily.INET6 ? 10 : 2;
    }

    private static int protocol(final ServiceView s)
    {
        return s.fwmark() != 0 || null == s.protocol() ? 0 : s.protocol().number();
    }

    /** Four host-order words for IPv6 ({@code af} of the first), the first alone otherwise, each a wrapped difference. */
    private static int addressDifference(final AddressFamily af, final InetAddress a1, final InetAddress a2)
    {
        final int words = af == AddressFamily.INET6 ? 4 : 1;
        for (int i = 0; i < words; i++)
        {
            final int r = word(a1, i) - word(a2, i);
            if (r != 0)
            {
                return r;
            }
        }
        return 0;
    }

    private static int word(final InetAddress a, final int i)
    {
        if (null == a)
        {
            return 0;
        }
        final byte[] b = a.getAddress();
        if (4 * i + 4 > b.length)
        {
            return 0;
        }
        return (b[4 * i] & 0xff) << 24 | (b[4 * i + 1] & 0xff) << 16 | (b[4 * i + 2] & 0xff) << 8 | (b[4 * i + 3] & 0xff);
    }
}
