package io.jlvs.controlplane.capture;

import io.jlvs.dataplane.capture.CaptureFilter;

import java.util.List;

/**
 * What a capture request asks, as the client sends it: {@code -c COUNT -s SNAPLEN -r RATE -G SECONDS -- FILTER...}.
 * The limits keep a capture from costing the director more than its operator meant.
 */
public record CaptureOptions(long count, int snapLength, long rate, long seconds, CaptureFilter filter)
{
    /** tcpdump's default and its "-s 0"; the longest frame an mbuf segment holds is less. */
    public static final int DEFAULT_SNAP_LENGTH = 262144;
    public static final int MAX_SNAP_LENGTH = 262144;
    public static final long DEFAULT_RATE = 10_000;
    public static final long MAX_RATE = 1_000_000;

    /** The request's words after "capture"; throws IllegalArgumentException saying what is wrong. */
    public static CaptureOptions parse(final List<String> args)
    {
        long count = 0;
        int snapLength = DEFAULT_SNAP_LENGTH;
        long rate = DEFAULT_RATE;
        long seconds = 0;
        int i = 0;
        for (; i < args.size(); i += 2)
        {
            final String option = args.get(i);
            if (option.equals("--"))
            {
                i++;
                break;
            }
            if (i + 1 >= args.size())
            {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            final long value = number(option, args.get(i + 1));
            switch (option)
            {
                case "-c" -> count = atLeast(option, value, 1);
                case "-s" -> snapLength = 0 == value ? MAX_SNAP_LENGTH : (int)within(option, value, 1, MAX_SNAP_LENGTH);
                case "-r" -> rate = within(option, value, 1, MAX_RATE);
                case "-G" -> seconds = atLeast(option, value, 1);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new CaptureOptions(count, snapLength, rate, seconds, CaptureExpression.parse(args.subList(
            Math.min(i, args.size()), args.size())));
    }

    private static long number(final String option, final String text)
    {
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("option " + option + ": '" + text + "' is not a number");
        }
    }

    private static long atLeast(final String option, final long value, final long least)
    {
        return within(option, value, least, Long.MAX_VALUE);
    }

    private static long within(final String option, final long value, final long least, final long most)
    {
        if (value < least || value > most)
        {
            throw new IllegalArgumentException("option " + option + ": " + value + " is out of range (" + least +
                (most == Long.MAX_VALUE ? " or more" : " to " + most) + ")");
        }
        return value;
    }
}
