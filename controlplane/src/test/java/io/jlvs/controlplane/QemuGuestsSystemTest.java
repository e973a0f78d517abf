package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The system tests that boot QEMU guests, run side by side in one lab: {@link ApplianceImageSystemTest} (the image
 * as an appliance, updating itself) and {@link KernelLvsPeerSystemTest} (Debian's kernel LVS as jlvs's peer).
 * <p>
 * Without KVM each guest is one host thread of emulation for minutes on end, and this host has two cores: one after
 * the other they took eleven minutes of a CI run with a core idle, side by side they overlap (the guests have
 * addresses apart, so neither sees the other's traffic). They run last in failsafe's class order, by when the image
 * that test.sh builds in the background meanwhile is ready; no other test runs while they do (JUnit runs only these
 * two nested classes concurrently: every other class is same_thread, one after another).
 */
@Order(Order.DEFAULT + 1)
class QemuGuestsSystemTest
{
    /** The lab both guests' NICs are in: brought up once for both, and down after both. */
    static Lab lab;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        QemuGuest.requireQemu();
        QemuGuest.buildImageOnce();
        lab = Lab.up();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
    }

    @Nested
    @Execution(ExecutionMode.CONCURRENT)
    class Appliance extends ApplianceImageSystemTest
    {
    }

    @Nested
    @Execution(ExecutionMode.CONCURRENT)
    class KernelLvsPeer extends KernelLvsPeerSystemTest
    {
    }
}
